using System.CommandLine;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;
using ClusterLb.Node.Configuration;
using ClusterLb.Runtime.Hosting;

namespace ClusterLb.Node.Commands;

/// <summary><c>clusterlb config show|check|akka</c>: print or validate the configuration the node would run with.</summary>
public static class ConfigCommand
{
    /// <summary>Exit code for an invalid or unreadable configuration.</summary>
    public const int InvalidConfiguration = 2;

    /// <summary>Builds the <c>config</c> command with its sub-commands.</summary>
    public static Command Create()
    {
        var command = new Command("config", "Show or check the configuration (reference.conf, then --config FILE, then environment overrides).");
        command.Subcommands.Add(CreateShow());
        command.Subcommands.Add(CreateCheck());
        command.Subcommands.Add(CreateAkka());
        return command;
    }

    private static Command CreateShow()
    {
        var options = new ConfigOptions(fileRequired: false);
        var show = new Command("show", "Print the fully resolved configuration as JSON on stdout; secrets, tokens and passwords are masked.");
        options.AddTo(show);
        var showSecrets = new Option<bool>("--show-secrets") { Description = "Print secrets, tokens and passwords in clear." };
        show.Options.Add(showSecrets);
        show.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var clear = parse.GetValue(showSecrets);
            return Run(parse, options, config => output.WriteLine(clear ? config.ToJson() : SecretRedactor.Redact(config.ToJson())));
        });
        return show;
    }

    private static Command CreateCheck()
    {
        var options = new ConfigOptions(fileRequired: true);
        var check = new Command("check", $"Validate the configuration (syntax and every setting's value); exit 0 when valid, else print FILE:LINE:COL: message and exit {InvalidConfiguration}.");
        options.AddTo(check);
        check.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            return Run(parse, options, config =>
            {
                // The same reader `run` uses (listeners, admin, persistence, services), so a file that passes starts.
                NodeConfigReader.Read(config);
                output.WriteLine($"{parse.GetValue(options.File)}: configuration is valid");
            });
        });
        return check;
    }

    private static Command CreateAkka()
    {
        var options = new ConfigOptions(fileRequired: false);
        var akka = new Command("akka", "Print the complete Akka.NET configuration the node runs with (ClusterLb's keys mapped, the file's akka { } block on top); passwords and connection strings are masked.");
        options.AddTo(akka);
        var showSecrets = new Option<bool>("--show-secrets") { Description = "Print passwords and connection strings in clear." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of HOCON." };
        akka.Options.Add(showSecrets);
        akka.Options.Add(json);
        akka.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            return Run(parse, options, config => output.Write(AkkaNodeConfig.Render(
                config,
                config.GetString("clusterlb.node.data-dir", ".data"),
                parse.GetValue(json) ? AkkaConfigFormat.Json : AkkaConfigFormat.Hocon,
                parse.GetValue(showSecrets))));
        });
        return akka;
    }

    private static int Run(ParseResult parse, ConfigOptions options, Action<Config> onLoaded)
    {
        try
        {
            var config = ClusterLbConfigLoader.Load(
                parse.GetValue(options.File),
                includeDefaults: !parse.GetValue(options.NoDefaults),
                useEnvironment: !parse.GetValue(options.NoEnvironment));
            onLoaded(config);
            return 0;
        }
        catch (HoconException e)
        {
            // One line, FILE:LINE:COL: message, for editors and CI logs; never a stack trace.
            parse.InvocationConfiguration.Error.WriteLine(e.Message.ReplaceLineEndings(" "));
            return InvalidConfiguration;
        }
        catch (SettingsException e)
        {
            // One line per invalid setting, each FILE:LINE:COL: key: message where the value came from a file.
            foreach (var error in e.Errors)
            {
                parse.InvocationConfiguration.Error.WriteLine(error.ReplaceLineEndings(" "));
            }
            return InvalidConfiguration;
        }
    }

    /// <summary>The options shared by show, check and akka.</summary>
    private sealed class ConfigOptions
    {
        public ConfigOptions(bool fileRequired)
        {
            File = new Option<string>("--config", "-c")
            {
                Description = "The HOCON file to load over reference.conf.",
                HelpName = "FILE",
                Required = fileRequired,
            };
        }

        public Option<string> File { get; }

        public Option<bool> NoDefaults { get; } = new("--no-defaults") { Description = "Do not load reference.conf underneath the file." };

        public Option<bool> NoEnvironment { get; } = new("--no-env")
        {
            Description = "Ignore CONFIG_FORCE_* overrides and do not fall back to environment variables for ${?VAR}.",
        };

        public void AddTo(Command command)
        {
            command.Options.Add(File);
            command.Options.Add(NoDefaults);
            command.Options.Add(NoEnvironment);
        }
    }
}
