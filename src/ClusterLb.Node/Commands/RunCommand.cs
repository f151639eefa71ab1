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
    /// <summary>Exit code of a node the cluster downed (Akka's ClusterDowningReason exit code).</summary>
    public const int DownedExitCode = 3;

    public static Command Create()
    {
        var config = new Option<FileInfo>("--config", "-c") { Description = "HOCON configuration file (layered over reference.conf).", Required = true };
        var logFormat = LogOptions.Format();
        var command = new Command("run", "Start a load-balancer node from a HOCON configuration file.") { config, logFormat };
        command.SetAction((parse, cancellation) => RunAsync(parse.GetValue(config)!, parse.GetValue(logFormat)));
        return command;
    }

    private static async Task<int> RunAsync(FileInfo file, string? logFormat)
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

        // Before anything opens a socket: .NET reads the switch once.
        SocketCompletions.Apply(settings.InlineSocketCompletions);
        // --log-format wins over the file's clusterlb.logging.format.
        using var loggerFactory = NodeLogging.Create(logFormat ?? settings.LogFormat, LogLevel.Information);
        // Listening from before the start: a signal while the node starts stops it cleanly instead of being lost.
        using var signal = new ShutdownSignal();
        ClusterLbNode node;
        try
        {
            node = await ClusterLbNode.StartAsync(settings, loggerFactory, signal.Token).ConfigureAwait(false);
        }
        // A signal during start-up can also stop the actor system under a start step (the audit log's recovery, a
        // listener) before that step sees the token: whatever the step then reports, the signal stopped the start.
        catch (Exception ex) when (signal.Token.IsCancellationRequested && ex is OperationCanceledException or NodeStartException or IOException)
        {
            await Console.Error.WriteLineAsync($"clusterlb: {signal.Received} during start-up; stopped").ConfigureAwait(false);
            return 0;
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
            // A signal runs the node's CoordinatedShutdown (drain, leave the cluster); a node downed by the cluster
            // terminates on its own (run-coordinated-shutdown-when-down) and the process exits with it.
            await Task.WhenAny(signal.Signalled, node.WhenTerminated).ConfigureAwait(false);
            if (signal.Signalled.IsCompleted)
            {
                await node.ShutdownAsync(Akka.Actor.CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
            }
            else if (Akka.Actor.CoordinatedShutdown.Get(node.System).ShutdownReason is Akka.Actor.CoordinatedShutdown.ClusterDowningReason)
            {
                // Not asked to stop: the cluster downed this node. A non-zero exit lets a supervisor (systemd
                // Restart=on-failure, a container restart policy) start a new incarnation that joins again.
                await Console.Error.WriteLineAsync($"clusterlb: this node was downed by the cluster; exiting with {DownedExitCode} so a supervisor starts it again").ConfigureAwait(false);
                return DownedExitCode;
            }
        }
        return 0;
    }
}
