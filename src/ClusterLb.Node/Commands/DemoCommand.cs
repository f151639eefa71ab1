using System.CommandLine;
using ClusterLb.Node.Demo;
using ClusterLb.Node.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Node.Commands;

/// <summary><c>clusterlb demo</c>: three demo backends and a three-node cluster in front, for a first look.</summary>
internal static class DemoCommand
{
    /// <summary>How long the demo waits for its cluster to form before it says so and runs on anyway.</summary>
    private static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var defaults = new DemoOptions();
        var nodes = new Option<int>("--nodes") { Description = $"Load balancer nodes: 3 = a cluster of three, 1 = one node without a cluster, 0 = only the backends (on ports {DemoOptions.WalkThroughBackendPort}-{DemoOptions.WalkThroughBackendPort + DemoOptions.BackendCount - 1} unless --backend-port says otherwise).", DefaultValueFactory = _ => defaults.Nodes };
        var port = new Option<int>("--port") { Description = "First node's proxy port; node N gets port + 100 (N-1). 0 = any free port.", DefaultValueFactory = _ => defaults.ProxyPort };
        var adminPort = new Option<int>("--admin-port") { Description = "First node's admin port; node N gets port + 100 (N-1). 0 = any free port.", DefaultValueFactory = _ => defaults.AdminPort };
        var clusterPort = new Option<int>("--cluster-port") { Description = "First node's cluster port; node N gets port + N-1. 0 = any free port.", DefaultValueFactory = _ => defaults.ClusterPort };
        var backendPort = new Option<int?>("--backend-port") { Description = "First backend's port; backend N gets port + N-1. Default: any free port, or 9001 with --nodes 0." };
        var logFormat = LogOptions.Format();
        var command = new Command("demo", "Start three demo backends on loopback and a three-node load balancer cluster in front of them.")
        {
            nodes, port, adminPort, clusterPort, backendPort, logFormat,
        };
        command.SetAction((parse, cancellation) =>
        {
            var count = parse.GetValue(nodes);
            var options = new DemoOptions(
                count, parse.GetValue(port), parse.GetValue(adminPort), parse.GetValue(clusterPort),
                parse.GetValue(backendPort) ?? (count == 0 ? DemoOptions.WalkThroughBackendPort : 0));
            return RunAsync(options, parse.GetValue(logFormat) ?? "text");
        });
        return command;
    }

    private static async Task<int> RunAsync(DemoOptions options, string logFormat)
    {
        if (options.Validate() is { } invalid)
        {
            await Console.Error.WriteLineAsync($"clusterlb demo: {invalid}").ConfigureAwait(false);
            return 2;
        }
        // The demo has no configuration file: reference.conf's clusterlb.node.inline-socket-completions (on) applies.
        SocketCompletions.Apply(inline: true);
        using var loggerFactory = NodeLogging.Create(logFormat, LogLevel.Information);
        // Listening from before the start: a signal while the cluster forms stops the demo instead of being lost.
        using var signal = new ShutdownSignal();
        DemoEnvironment demo;
        try
        {
            demo = await DemoEnvironment.StartAsync(options, loggerFactory, signal.Token).ConfigureAwait(false);
        }
        // A signal during start-up can also stop the actor system under a start step (the audit log's recovery, a
        // listener) before that step sees the token: whatever the step then reports, the signal stopped the start.
        catch (Exception ex) when (signal.Token.IsCancellationRequested && ex is OperationCanceledException or NodeStartException or IOException)
        {
            await Console.Error.WriteLineAsync($"clusterlb demo: {signal.Received} during start-up; stopped").ConfigureAwait(false);
            return 0;
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"clusterlb demo: cannot listen ({ex.Message}); try --port 0 --admin-port 0 --cluster-port 0").ConfigureAwait(false);
            return 1;
        }
        catch (NodeStartException ex)
        {
            await Console.Error.WriteLineAsync($"clusterlb demo: {ex.Message}; try --port 0 --admin-port 0 --cluster-port 0").ConfigureAwait(false);
            return 1;
        }

        // Disposing stops every node together (each drains, leaves the cluster and stops) and then the backends.
        await using (demo.ConfigureAwait(false))
        {
            if (demo.Clustered)
            {
                Console.WriteLine($"Forming a cluster of {demo.Nodes.Count} nodes...");
                var up = demo.WhenClusterUp();
                var first = await Task.WhenAny(up, signal.Signalled, Task.Delay(FormTimeout)).ConfigureAwait(false);
                if (first != up && !signal.Signalled.IsCompleted)
                {
                    Console.WriteLine($"The cluster has not formed after {FormTimeout.TotalSeconds:0} s; the nodes keep trying (see the log above).");
                }
            }
            if (!signal.Signalled.IsCompleted)
            {
                Print(demo);
                // Without nodes nothing terminates on its own: only the signal ends the backends-only demo.
                await (demo.Nodes.Count == 0 ? (Task)signal.Signalled : Task.WhenAny(signal.Signalled, demo.WhenTerminated)).ConfigureAwait(false);
            }
        }
        return 0;
    }

    private static void Print(DemoEnvironment demo)
    {
        Console.WriteLine();
        Console.WriteLine(demo.Nodes.Count switch
        {
            0 => "ClusterLb demo backends are running.",
            1 => "ClusterLb demo is running: one node.",
            var n => $"ClusterLb demo is running: a cluster of {n} nodes.",
        });
        for (var i = 0; i < demo.Nodes.Count; i++)
        {
            var node = demo.Nodes[i];
            var cluster = demo.Clustered ? $"  cluster {demo.Seeds[i]}" : "";
            Console.WriteLine($"  node {i + 1}:   proxy {node.ProxyUrl}  admin {node.AdminUrl}{cluster}");
        }
        foreach (var backend in demo.Backends)
        {
            Console.WriteLine($"  backend:  {backend.Name} at {backend.Url}");
        }
        if (demo.Nodes.Count > 0)
        {
            var first = demo.Node;
            Console.WriteLine($"Try:  curl {first.ProxyUrl}hello       (a few times; every node's proxy routes the same way)");
            Console.WriteLine($"      curl {first.AdminUrl}status");
        }
        if (demo.Clustered)
        {
            Console.WriteLine($"      curl {demo.Node.AdminUrl}cluster/status");
            Console.WriteLine($"      clusterlb status --admin {demo.Node.AdminUrl}");
            var leaving = demo.Nodes[^1];
            Console.WriteLine($"      curl -X POST -H 'Authorization: Bearer {DemoEnvironment.AdminToken}' {leaving.AdminUrl}cluster/leave   (node {demo.Nodes.Count} leaves)");
            foreach (var state in demo.ClusterStates().Take(1))
            {
                Console.WriteLine($"Members: {string.Join(", ", state.Members.Select(m => $"{m.Address} {m.Status}"))}");
            }
        }
        Console.WriteLine("Press Ctrl-C to stop.");
        Console.WriteLine();
    }
}
