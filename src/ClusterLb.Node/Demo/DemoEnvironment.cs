using System.Collections.Immutable;
using ClusterLb.Balancing.Settings;
using ClusterLb.Node.Hosting;
using ClusterLb.Proxy;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Node.Demo;

/// <summary>Three demo backends on loopback and one node in front of them (what <c>clusterlb demo</c> runs).</summary>
public sealed class DemoEnvironment : IAsyncDisposable
{
    private readonly string _dataDirectory;

    private DemoEnvironment(IReadOnlyList<DemoBackend> backends, ClusterLbNode node, string dataDirectory)
    {
        Backends = backends;
        Node = node;
        _dataDirectory = dataDirectory;
    }

    /// <summary>The demo backends.</summary>
    public IReadOnlyList<DemoBackend> Backends { get; }

    /// <summary>The node in front.</summary>
    public ClusterLbNode Node { get; }

    /// <summary>Starts everything; port 0 lets the OS choose.</summary>
    public static async Task<DemoEnvironment> StartAsync(int proxyPort, int adminPort, ILoggerFactory loggerFactory)
    {
        var backends = new List<DemoBackend>();
        // The demo keeps nothing: its audit log lives in a directory of its own, removed on dispose.
        var dataDirectory = Directory.CreateTempSubdirectory("clusterlb-demo-").FullName;
        try
        {
            for (var i = 1; i <= 3; i++)
            {
                backends.Add(await DemoBackend.StartAsync($"demo-{i}").ConfigureAwait(false));
            }
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
                Http = new ListenerSettings("127.0.0.1", proxyPort),
                Http2 = null,
                Admin = new ListenerSettings("127.0.0.1", adminPort),
            };
            var settings = new NodeSettings("demo-node", proxy, balancing) { DataDirectory = dataDirectory };
            var node = await ClusterLbNode.StartAsync(settings, loggerFactory).ConfigureAwait(false);
            return new DemoEnvironment(backends, node, dataDirectory);
        }
        catch
        {
            Directory.Delete(dataDirectory, recursive: true);
            foreach (var backend in backends)
            {
                await backend.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync().ConfigureAwait(false);
        foreach (var backend in Backends)
        {
            await backend.DisposeAsync().ConfigureAwait(false);
        }
        Directory.Delete(_dataDirectory, recursive: true);
    }
}
