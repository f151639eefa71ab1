using System.Collections.Immutable;
using ClusterLb.Balancing.Settings;
using ClusterLb.Node.Hosting;
using ClusterLb.Proxy;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Node.Demo;

/// <summary>Three demo backends on loopback and one node in front of them (what <c>clusterlb demo</c> runs).</summary>
public sealed class DemoEnvironment : IAsyncDisposable
{
    private DemoEnvironment(IReadOnlyList<DemoBackend> backends, ClusterLbNode node)
    {
        Backends = backends;
        Node = node;
    }

    /// <summary>The demo backends.</summary>
    public IReadOnlyList<DemoBackend> Backends { get; }

    /// <summary>The node in front.</summary>
    public ClusterLbNode Node { get; }

    /// <summary>Starts everything; port 0 lets the OS choose.</summary>
    public static async Task<DemoEnvironment> StartAsync(int proxyPort, int adminPort, ILoggerFactory loggerFactory)
    {
        var backends = new List<DemoBackend>();
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
            var node = await ClusterLbNode.StartAsync(new NodeSettings("demo-node", proxy, balancing), loggerFactory).ConfigureAwait(false);
            return new DemoEnvironment(backends, node);
        }
        catch
        {
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
    }
}
