using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using ClusterLb.Balancing.Settings;
using Akka.Cluster;
using ClusterLb.Hocon;
using ClusterLb.Node.Configuration;
using ClusterLb.Node.Hosting;
using ClusterLb.Proxy;
using ClusterLb.Runtime.Security;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Node.Demo;

/// <summary>
/// What <c>clusterlb demo</c> runs: three demo backends on loopback and, in front of them, one node on its own or
/// several nodes forming one cluster in this process (each with its own actor system, remoting and listeners).
/// </summary>
public sealed class DemoEnvironment : IAsyncDisposable
{
    /// <summary>The admin token of the clustered demo's nodes (<c>POST /cluster/leave</c>, <c>/cluster/down</c>).</summary>
    public const string AdminToken = "demo-admin-token";

    private readonly string _dataDirectory;

    private DemoEnvironment(IReadOnlyList<DemoBackend> backends, IReadOnlyList<ClusterLbNode> nodes, IReadOnlyList<string> seeds, string dataDirectory)
    {
        Backends = backends;
        Nodes = nodes;
        Seeds = seeds;
        _dataDirectory = dataDirectory;
    }

    /// <summary>The demo backends.</summary>
    public IReadOnlyList<DemoBackend> Backends { get; }

    /// <summary>The load balancer nodes, in seed order (empty when only the backends run).</summary>
    public IReadOnlyList<ClusterLbNode> Nodes { get; }

    /// <summary>The first node (there is none when only the backends run).</summary>
    public ClusterLbNode Node => Nodes[0];

    /// <summary>The cluster's seed addresses (empty for a single node).</summary>
    public IReadOnlyList<string> Seeds { get; }

    /// <summary>True when the nodes form a cluster.</summary>
    public bool Clustered => Seeds.Count > 0;

    /// <summary>Completes once every node has stopped (at once when there is none).</summary>
    public Task WhenTerminated => Task.WhenAll(Nodes.Select(n => n.System.WhenTerminated));

    /// <summary>Starts one node without a cluster in front of the backends; port 0 lets the OS choose.</summary>
    public static Task<DemoEnvironment> StartAsync(int proxyPort, int adminPort, ILoggerFactory loggerFactory) =>
        StartAsync(new DemoOptions(Nodes: 1, ProxyPort: proxyPort, AdminPort: adminPort), loggerFactory);

    /// <summary>Starts the backends and the nodes <paramref name="options"/> asks for.</summary>
    /// <exception cref="ArgumentException">The options are invalid (<see cref="DemoOptions.Validate"/>).</exception>
    public static async Task<DemoEnvironment> StartAsync(DemoOptions options, ILoggerFactory loggerFactory, CancellationToken cancellation = default)
    {
        if (options.Validate() is { } invalid)
        {
            throw new ArgumentException(invalid, nameof(options));
        }
        var backends = new List<DemoBackend>();
        var nodes = new List<ClusterLbNode>();
        // The demo keeps nothing: journals and node files live in a directory of its own, removed on dispose.
        var dataDirectory = Directory.CreateTempSubdirectory("clusterlb-demo-").FullName;
        try
        {
            for (var i = 0; i < DemoOptions.BackendCount; i++)
            {
                backends.Add(await DemoBackend.StartAsync($"demo-{i + 1}", DemoOptions.Offset(options.BackendPort, i, 1)).ConfigureAwait(false));
            }
            IReadOnlyList<string> seeds = [];
            if (options.Nodes == 1)
            {
                nodes.Add(await StartSingleNodeAsync(options, backends, dataDirectory, loggerFactory, cancellation).ConfigureAwait(false));
            }
            else if (options.Nodes > 1)
            {
                var clusterPorts = Enumerable.Range(0, options.Nodes)
                    .Select(i => options.ClusterPort == 0 ? FreeLoopbackPort() : options.ClusterPort + i).ToArray();
                seeds = [.. clusterPorts.Select(p => $"akka.ssl.tcp://clusterlb@127.0.0.1:{p}")];
                // A CA of the demo's own, made for this run: only these nodes can join the demo's cluster.
                var certificates = Directory.CreateDirectory(Path.Combine(dataDirectory, "certs")).FullName;
                CertificateFactory.CreateCa(certificates, "clusterlb-demo-ca");
                for (var i = 0; i < options.Nodes; i++)
                {
                    var name = $"lb-{i + 1}";
                    var directory = Directory.CreateDirectory(Path.Combine(dataDirectory, name)).FullName;
                    var file = Path.Combine(directory, "node.conf");
                    var certificate = CertificateFactory.CreateNode(certificates, certificates, name, ["127.0.0.1", "localhost"]);
                    await File.WriteAllTextAsync(file, DemoNodeConfig.Render(
                        name, directory, DemoOptions.Offset(options.ProxyPort, i, 100), DemoOptions.Offset(options.AdminPort, i, 100),
                        clusterPorts[i], seeds, certificate, Path.Combine(certificates, CertificateFactory.CaCertificateFile), AdminToken, backends), cancellation).ConfigureAwait(false);
                    // The user's CLUSTER_* variables are for `clusterlb run`; the demo's files say everything.
                    var settings = NodeConfigReader.Read(ClusterLbConfigLoader.Load(file, useEnvironment: false)) with { ConfigFile = file };
                    nodes.Add(await ClusterLbNode.StartAsync(settings, loggerFactory, cancellation).ConfigureAwait(false));
                }
            }
            return new DemoEnvironment(backends, nodes, seeds, dataDirectory);
        }
        catch
        {
            await StopAsync(nodes, backends, dataDirectory).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Completes once every node sees itself Up in the cluster (at once for a single node).</summary>
    public Task WhenClusterUp()
    {
        if (!Clustered)
        {
            return Task.CompletedTask;
        }
        return Task.WhenAll(Nodes.Select(node =>
        {
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Cluster.Get(node.System).RegisterOnMemberUp(() => up.TrySetResult());
            return up.Task;
        }));
    }

    /// <summary>Each node's cluster status, in node order.</summary>
    public IReadOnlyList<ClusterEvent.CurrentClusterState> ClusterStates() =>
        Clustered ? [.. Nodes.Select(n => Cluster.Get(n.System).State)] : [];

    private static Task<ClusterLbNode> StartSingleNodeAsync(DemoOptions options, IReadOnlyList<DemoBackend> backends, string dataDirectory, ILoggerFactory loggerFactory, CancellationToken cancellation)
    {
        var pool = new PoolSettings(
            "primary",
            BalancingMethod.RoundRobin,
            0,
            backends.Select(b => new HostSettings(b.Name, b.Url)).ToImmutableArray(),
            HealthCheckSettings.Default with { Path = "/health", Interval = TimeSpan.FromSeconds(1) },
            PassiveHealthSettings.Default);
        var balancing = new BalancingSettings([new ServiceSettings("demo", ServiceMatch.Any, [pool])]).Validate();
        var proxy = ProxySettings.Loopback with
        {
            Http = new ListenerSettings("127.0.0.1", options.ProxyPort),
            Http2 = null,
            Admin = new ListenerSettings("127.0.0.1", options.AdminPort),
        };
        var settings = new NodeSettings("demo-node", proxy, balancing) { DataDirectory = dataDirectory };
        return ClusterLbNode.StartAsync(settings, loggerFactory, cancellation);
    }

    /// <summary>A loopback port free right now; seeds must name their ports before any node binds.</summary>
    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task StopAsync(IReadOnlyList<ClusterLbNode> nodes, IReadOnlyList<DemoBackend> backends, string dataDirectory)
    {
        // Together, as Ctrl-C stops them: each leaves while the others are still there to see it go.
        await Task.WhenAll(nodes.Select(n => n.DisposeAsync().AsTask())).ConfigureAwait(false);
        foreach (var backend in backends)
        {
            await backend.DisposeAsync().ConfigureAwait(false);
        }
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync(Nodes, Backends, _dataDirectory));
}
