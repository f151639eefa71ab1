using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using ClusterLb.Actors;
using ClusterLb.Balancing.Actors;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Replication;

namespace ClusterLb.Balancing.Tests;

/// <summary>
/// The registry across two nodes in one process: each node its own actor system, replicator, balancer and admin,
/// the replicators linked through cuttable forwarding actors. Probes are scripted (always healthy).
/// </summary>
public sealed class RegistryReplicationTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly ReplicatorSettings Fast = new()
    {
        GossipInterval = TimeSpan.FromMilliseconds(100),
        DeltaPropagationInterval = TimeSpan.FromMilliseconds(30),
        NotifySubscribersInterval = TimeSpan.FromMilliseconds(30),
    };

    private static readonly BalancingSettings Config = new BalancingSettings([
        new ServiceSettings("web", ServiceMatch.Any, [
            new PoolSettings("main", BalancingMethod.RoundRobin, 0,
                [new HostSettings("a", new Uri("http://a.test")), new HostSettings("b", new Uri("http://b.test"))],
                HealthCheckSettings.Default with { Interval = TimeSpan.FromMilliseconds(50) }, PassiveHealthSettings.Default)]),
    ]).Validate();

    private readonly List<TestNode> _nodes = [];
    private readonly HttpMessageInvoker _probes = new(new AlwaysHealthy());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.System.Terminate();
        }
        _probes.Dispose();
    }

    [Fact]
    public async Task A_change_on_one_node_reaches_the_other_nodes_routers_and_is_confirmed_by_the_majority()
    {
        var (n1, n2) = await StartPairAsync();

        var result = await n1.Admin.ApplyAsync(new AddHost("main", "c", new Uri("http://c.test"), 2), None);

        Assert.Equal((RegistryWriteStatus.Applied, "majority"), (result.Status, result.Consistency));
        await Eventually.TrueAsync(() => Hosts(n2).SequenceEqual(["a", "b", "c"]), "n2's router to route to c");
        var seenByN2 = await n2.Admin.GetPoolAsync("main", None);
        Assert.Equal(2, seenByN2!.Hosts.Single(h => h.Spec.Id == "c").Spec.Weight);

        await Eventually.TrueAsync(async () =>
        {
            var status = await n1.Admin.GetStatusAsync(None);
            return status.Nodes.Length == 2 && status.Nodes.All(n => n.Lag == 0);
        }, "both nodes to report the version applied");
        var version = (await n1.Admin.GetStatusAsync(None)).Version;
        Assert.Equal(version, (await n2.Admin.GetStatusAsync(None)).Version);
        Assert.Equal(["n1", "n2"], (await n2.Admin.GetStatusAsync(None)).Nodes.Select(n => n.Node));
    }

    [Fact]
    public async Task A_node_joining_later_does_not_reseed_a_configured_host_removed_at_runtime()
    {
        var n1 = await StartNodeAsync("n1");
        Assert.Equal(RegistryWriteStatus.Applied, (await n1.Admin.ApplyAsync(new RemoveHost("main", "a"), None)).Status);

        // n2 starts with the same configuration (hosts a and b) but finds the pool in n1's replica: nothing is seeded.
        var n2 = StartReplica("n2");
        Link(n1, n2);
        await StartBalancerAsync(n2);

        Assert.Equal(["b"], Hosts(n2));
        Assert.Equal(["b"], (await n2.Admin.GetPoolAsync("main", None))!.Hosts.Select(h => h.Spec.Id));
        Assert.Equal(["b"], Hosts(n1));
    }

    [Fact]
    public async Task A_restart_on_the_durable_registry_keeps_runtime_changes_and_does_not_reseed_what_was_removed()
    {
        var store = new InMemoryDurableStore();
        var first = StartReplica("n1", store: store);
        await StartBalancerAsync(first);
        Assert.Equal(RegistryWriteStatus.Applied, (await first.Admin.ApplyAsync(new RemoveHost("main", "a"), None)).Status);
        Assert.Equal(RegistryWriteStatus.Applied, (await first.Admin.ApplyAsync(new AddHost("main", "c", new Uri("http://c.test"), 4), None)).Status);
        Assert.Equal(RegistryWriteStatus.Applied, (await first.Admin.ApplyAsync(new CreatePool("extra", "web", BalancingMethod.RoundRobin, 1), None)).Status);
        Assert.Equal(RegistryWriteStatus.Applied, (await first.Admin.ApplyAsync(new DeletePool("extra"), None)).Status);
        // The replicator stores one key at a time, in order: once a marker written last is stored, so is every change.
        var marker = new Key<GCounter>("registry-test-marker");
        await first.Replica.Replicator.Ask<UpdateSuccess>(Update.Create(marker, GCounter.Empty, WriteLocal.Instance, c => c.Increment(first.Replica.Self)), TimeSpan.FromSeconds(5));
        await Eventually.TrueAsync(() => store.Keys.Contains(marker.Id), "the changes to be stored");
        await first.System.Terminate();

        // Same configuration (hosts a and b), same stored registry, a new incarnation.
        var second = StartReplica("n1-again", store: store);
        await StartBalancerAsync(second);

        Assert.Equal(["b", "c"], second.Handles["web"].Snapshot.Pools.Single().All.Select(h => h.Id));
        Assert.Equal(4, (await second.Admin.GetPoolAsync("main", None))!.Hosts.Single(h => h.Spec.Id == "c").Spec.Weight);
        Assert.Null(await second.Admin.GetPoolAsync("extra", None));
        Assert.Equal(RegistryWriteStatus.Conflict, (await second.Admin.ApplyAsync(new CreatePool("extra", "web", BalancingMethod.RoundRobin, 1), None)).Status);
    }

    [Fact]
    public async Task A_node_that_cannot_reach_the_majority_at_start_seeds_from_its_local_replica()
    {
        var n1 = StartReplica("n1", TimeSpan.FromMilliseconds(300));
        var n2 = StartReplica("n2", TimeSpan.FromMilliseconds(300));
        Link(n1, n2);
        Partition(n1, n2);

        await StartBalancerAsync(n1);

        Assert.Equal(["a", "b"], Hosts(n1));
        var write = await n1.Admin.ApplyAsync(new UpdateHost("main", "a", 2), None);
        Assert.Equal(("local", RegistryWriteStatus.Applied), (write.Consistency, write.Status));
    }

    [Fact]
    public async Task Concurrent_edits_on_both_sides_of_a_partition_apply_by_the_documented_rules()
    {
        var (n1, n2) = await StartPairAsync(writeTimeout: TimeSpan.FromMilliseconds(300));
        Assert.Equal(RegistryWriteStatus.Applied, (await n1.Admin.ApplyAsync(new CreatePool("extra", "web", BalancingMethod.RoundRobin, 1), None)).Status);
        await Eventually.TrueAsync(async () => await n2.Admin.GetPoolAsync("extra", None) is not null, "n2 to see the new pool");

        Partition(n1, n2);
        var added = await n1.Admin.ApplyAsync(new AddHost("main", "c", new Uri("http://c.test"), 1), None);
        var removed = await n2.Admin.ApplyAsync(new RemoveHost("main", "a"), None);
        await n1.Admin.ApplyAsync(new UpdateHost("main", "b", 5), None);
        await n2.Admin.ApplyAsync(new UpdateHost("main", "b", 7), None);   // later: wins
        await n1.Admin.ApplyAsync(new DeletePool("extra"), None);
        var editOfDeleted = await n2.Admin.ApplyAsync(new AddHost("extra", "x", new Uri("http://x.test"), 1), None);

        // Each side keeps its write and says only it confirmed it.
        Assert.Equal((RegistryWriteStatus.Applied, "local"), (added.Status, added.Consistency));
        Assert.Contains("majority", added.Reason);
        Assert.Equal((RegistryWriteStatus.Applied, "local"), (removed.Status, removed.Consistency));
        Assert.Equal(RegistryWriteStatus.Applied, editOfDeleted.Status);

        Heal(n1, n2);
        foreach (var node in new[] { n1, n2 })
        {
            await Eventually.TrueAsync(async () =>
            {
                var pools = await node.Admin.GetPoolsAsync(None);
                return pools.Count == 1 && pools[0].Hosts.Select(h => h.Spec.Id).SequenceEqual(["b", "c"]) && pools[0].Hosts[0].Spec.Weight == 7;
            }, $"{node.Name} to converge on main = b (weight 7), c and no pool extra");
            await Eventually.TrueAsync(() => Hosts(node).SequenceEqual(["b", "c"]), $"{node.Name}'s router to follow");
        }
    }

    private async Task<(TestNode, TestNode)> StartPairAsync(TimeSpan? writeTimeout = null)
    {
        var n1 = StartReplica("n1", writeTimeout);
        var n2 = StartReplica("n2", writeTimeout);
        Link(n1, n2);
        await StartBalancerAsync(n1);
        await StartBalancerAsync(n2);
        return (n1, n2);
    }

    private async Task<TestNode> StartNodeAsync(string name)
    {
        var node = StartReplica(name);
        await StartBalancerAsync(node);
        return node;
    }

    private TestNode StartReplica(string name, TimeSpan? writeTimeout = null, IDurableStore? store = null)
    {
        var system = ActorSystem.Create(name);
        var id = new ReplicaId($"clb://{name}@127.0.0.1:{25500 + _nodes.Count}", 1 + _nodes.Count);
        var replicator = system.ActorOf(Replicator.Props(id, store is null ? Fast : Fast with { DurableKeys = ["registry-*"] }, store), "replicator");
        var replica = new RegistryReplica(replicator, id, name);
        var settings = new RegistrySettings { WriteTimeout = writeTimeout ?? TimeSpan.FromSeconds(3), SeedReadTimeout = TimeSpan.FromSeconds(1) };
        var node = new TestNode(name, system, replica, settings, BalancerActor.CreateHandles(Config));
        _nodes.Add(node);
        return node;
    }

    private async Task StartBalancerAsync(TestNode node)
    {
        var balancer = node.System.ActorOf(BalancerActor.Props(Config, node.Handles, _probes, node.Replica, node.Settings), BalancerActor.Name);
        node.Admin = new RegistryAdmin(node.Replica, Config, node.Settings, balancer);
        await node.Handles["web"].FirstPublished.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static void Link(TestNode a, TestNode b)
    {
        a.Replica.Replicator.Tell(new ReplicaJoined(b.Replica.Self, a.LinkTo(b)));
        b.Replica.Replicator.Tell(new ReplicaJoined(a.Replica.Self, b.LinkTo(a)));
    }

    private static void Partition(TestNode a, TestNode b)
    {
        a.Cut[b.Name] = true;
        b.Cut[a.Name] = true;
    }

    private static void Heal(TestNode a, TestNode b)
    {
        a.Cut[b.Name] = false;
        b.Cut[a.Name] = false;
    }

    private static string[] Hosts(TestNode node) =>
        node.Handles["web"].Snapshot.Pools.SelectMany(p => p.Healthy).Select(h => h.Id).ToArray();

    private sealed class TestNode(string name, ActorSystem system, RegistryReplica replica, RegistrySettings settings, IReadOnlyDictionary<string, RouteHandle> handles)
    {
        public string Name { get; } = name;

        public ActorSystem System { get; } = system;

        public RegistryReplica Replica { get; } = replica;

        public RegistrySettings Settings { get; } = settings;

        public IReadOnlyDictionary<string, RouteHandle> Handles { get; } = handles;

        public RegistryAdmin Admin { get; set; } = null!;

        /// <summary>Per peer: true while the link to it is cut.</summary>
        public ConcurrentDictionary<string, bool> Cut { get; } = new();

        /// <summary>A forwarding actor in this node's system standing for <paramref name="peer"/>'s replicator.</summary>
        public IActorRef LinkTo(TestNode peer) =>
            System.ActorOf(Props.Create(() => new LinkActor(peer.Replica.Replicator, () => Cut.GetValueOrDefault(peer.Name))), $"link-{peer.Name}");
    }

    /// <summary>Forwards to a peer's replicator unless the link is cut (then the message is lost, as on a partition).</summary>
    private sealed class LinkActor : ReceiveActor
    {
        public LinkActor(IActorRef target, Func<bool> cut) =>
            ReceiveAny(message =>
            {
                if (!cut())
                {
                    target.Tell(message, Sender);
                }
            });
    }

    private sealed class AlwaysHealthy : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
    }
}
