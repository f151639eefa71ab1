using System.CommandLine;
using System.Security.Cryptography;
using ClusterLb.Runtime.Security;

namespace ClusterLb.Node.Commands;

/// <summary>
/// <c>clusterlb cert create-ca|create-node</c>: makes the cluster's private CA and node certificates for mutual TLS
/// between nodes (clusterlb.cluster.tls). Existing files are never replaced without <c>--force</c>.
/// </summary>
public static class CertCommand
{
    /// <summary>Exit code for a refused or failed creation (existing files, missing CA, bad arguments).</summary>
    public const int Failed = 2;

    /// <summary>Builds the <c>cert</c> command with its sub-commands.</summary>
    public static Command Create()
    {
        var command = new Command("cert", "Create the cluster CA and node certificates for TLS between nodes (clusterlb.cluster.tls).");
        command.Subcommands.Add(CreateCa());
        command.Subcommands.Add(CreateNode());
        return command;
    }

    private static Command CreateCa()
    {
        var dir = DirOption("Directory to write ca.crt and ca.key (0600) into.");
        var name = new Option<string>("--name") { Description = "The CA's common name.", DefaultValueFactory = _ => "clusterlb-ca" };
        var days = new Option<int>("--days") { Description = "Validity in days.", DefaultValueFactory = _ => 3650 };
        var force = ForceOption();
        var command = new Command("create-ca", "Create the cluster's CA: ca.crt (give it to every node as clusterlb.cluster.tls.ca) and ca.key (keep it off the nodes).");
        command.Options.Add(dir);
        command.Options.Add(name);
        command.Options.Add(days);
        command.Options.Add(force);
        command.SetAction(parse => Run(parse, () =>
            CertificateFactory.CreateCa(parse.GetValue(dir)!, parse.GetValue(name)!, Days(parse.GetValue(days)), parse.GetValue(force))));
        return command;
    }

    private static Command CreateNode()
    {
        var dir = DirOption("Directory to write <name>.pfx into.");
        var name = new Option<string>("--name") { Description = "Node name: the certificate's common name and file name.", Required = true };
        var hosts = new Option<string[]>("--host")
        {
            Description = "A DNS name or IP address the node is reached by (repeat for more); they become the certificate's subject alternative names.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var caDir = new Option<string?>("--ca-dir") { Description = "Directory holding ca.crt and ca.key; default: --dir." };
        var password = new Option<string?>("--password") { Description = "Password of the .pfx (then set clusterlb.cluster.tls.password); default: none." };
        var days = new Option<int>("--days") { Description = "Validity in days (never past the CA's).", DefaultValueFactory = _ => 825 };
        var force = ForceOption();
        var command = new Command("create-node", "Create <name>.pfx: a node certificate signed by the cluster CA, for both TLS ends (serverAuth + clientAuth).");
        foreach (var option in new Option[] { dir, name, hosts, caDir, password, days, force })
        {
            command.Options.Add(option);
        }
        command.SetAction(parse => Run(parse, () =>
        {
            var output = parse.GetValue(dir)!;
            return [CertificateFactory.CreateNode(output, parse.GetValue(caDir) ?? output, parse.GetValue(name)!, parse.GetValue(hosts)!,
                parse.GetValue(password), Days(parse.GetValue(days)), parse.GetValue(force))];
        }));
        return command;
    }

    private static int Run(ParseResult parse, Func<IReadOnlyList<string>> create)
    {
        try
        {
            foreach (var path in create())
            {
                parse.InvocationConfiguration.Output.WriteLine($"wrote {path}");
            }
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
        {
            parse.InvocationConfiguration.Error.WriteLine($"clusterlb cert: {e.Message}");
            return Failed;
        }
    }

    private static TimeSpan Days(int days) =>
        days > 0 ? TimeSpan.FromDays(days) : throw new ArgumentException($"--days {days}: expected a positive number of days");

    private static Option<string> DirOption(string description) => new("--dir") { Description = description, Required = true, HelpName = "DIR" };

    private static Option<bool> ForceOption() => new("--force") { Description = "Replace existing files." };
}
