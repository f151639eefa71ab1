using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Registry;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Node.Hosting;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>The registry on a real two-node cluster (remoting on loopback): a change on one node routes on the other.</summary>
public sealed class ClusterRegistryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly ConfiguredNodes _nodes = new(output);
    private IReadOnlyList<TestBackend> _backends = [];

    public async Task InitializeAsync() => _backends = await NodeHarness.StartBackendsAsync("b1", "b2");

    public async Task DisposeAsync()
    {
        await _nodes.DisposeAsync();
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_change_made_on_one_node_is_confirmed_by_both_and_routes_on_the_other()
    {
        var (ports, seeds) = ConfiguredNodes.Seeds(2);
        var n1 = await StartNodeAsync("node1", ports[0], seeds);
        var n2 = await StartNodeAsync("node2", ports[1], seeds);
        var names = ports.Select(p => $"akka.tcp://clusterlb@127.0.0.1:{p}").Order(StringComparer.Ordinal).ToArray();

        // Both replicas know each other once each node's applied version has reached the other.
        await Poll.UntilAsync(async () => (await n2.Registry.GetStatusAsync(None)).Nodes.Select(n => n.Node).SequenceEqual(names)
            && (await n1.Registry.GetStatusAsync(None)).Nodes.Select(n => n.Node).SequenceEqual(names), "both nodes in both registries' status", Deadline);

        var added = await n1.Registry.ApplyAsync(new AddHost("main", "b2", _backends[1].Url, 1), None);
        Assert.Equal((RegistryWriteStatus.Applied, "majority"), (added.Status, added.Consistency));
        await Poll.UntilAsync(() => IsUp(n2, "b2"), "node2 to route to the host added on node1", Deadline);

        var removed = await n2.Registry.ApplyAsync(new RemoveHost("main", "b1"), None);
        Assert.Equal((RegistryWriteStatus.Applied, "majority"), (removed.Status, removed.Consistency));
        await Poll.UntilAsync(() => n1.Handles["web"].Snapshot.Pools.Single().All.Select(h => h.Id).SequenceEqual(["b2"]), "node1 to drop the host removed on node2", Deadline);

        await Poll.UntilAsync(async () =>
        {
            var status = await n1.Registry.GetStatusAsync(None);
            return status.Nodes.Length == 2 && status.Nodes.All(n => n.Lag == 0 && n.Version == status.Version);
        }, "both nodes to report the latest version applied", Deadline);
    }

    private static bool IsUp(ClusterLbNode node, string host) =>
        node.Handles["web"].Snapshot.Pools.SelectMany(p => p.Healthy).Any(h => h.Id == host);

    private Task<ClusterLbNode> StartNodeAsync(string name, int port, string seeds) => _nodes.StartAsync(name, $$"""
        proxy.http2.enabled = off
        health-check { path = "/health", interval = 100ms }
        services.web.pools = [ { id = main, hosts = [ { id = b1, address = "{{_backends[0].Url}}" } ] } ]
        cluster { port = {{port}}, seed-nodes = [{{seeds}}], tls.enabled = off }
        """);
}
