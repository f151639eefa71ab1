using System.CommandLine;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;
using ClusterLb.Node.Configuration;
using ClusterLb.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Node.Commands;

/// <summary><c>clusterlb run --config FILE</c>: start a node and run until SIGTERM or Ctrl-C.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo>("--config", "-c") { Description = "HOCON configuration file (layered over reference.conf).", Required = true };
        var logFormat = LogOptions.Format();
        var command = new Command("run", "Start a load-balancer node from a HOCON configuration file.") { config, logFormat };
        command.SetAction((parse, cancellation) => RunAsync(parse.GetValue(config)!, parse.GetValue(logFormat)!));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo file, string logFormat)
    {
        if (!file.Exists)
        {
            await Console.Error.WriteLineAsync($"clusterlb: configuration file not found: {file.FullName}").ConfigureAwait(false);
            return 2;
        }

        NodeSettings settings;
        try
        {
            settings = NodeConfigReader.Read(ClusterLbConfigLoader.Load(file.FullName)) with { ConfigFile = file.FullName };
        }
        catch (Exception ex) when (ex is HoconException or SettingsException)
        {
            await Console.Error.WriteLineAsync($"clusterlb: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        using var loggerFactory = NodeLogging.Create(logFormat, LogLevel.Information);
        ClusterLbNode node;
        try
        {
            node = await ClusterLbNode.StartAsync(settings, loggerFactory).ConfigureAwait(false);
        }
        catch (NodeStartException ex)
        {
            await Console.Error.WriteLineAsync($"clusterlb: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (IOException ex)
        {
            // Kestrel reports an address in use as an IOException; say which listener and stop cleanly.
            await Console.Error.WriteLineAsync($"clusterlb: cannot listen: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (node.ConfigureAwait(false))
        {
            using var signals = node.System.CoordinatedShutdown.RunOnProcessExit();
            await node.System.WhenTerminated.ConfigureAwait(false);
        }
        return 0;
    }
}
