using System.Collections.Concurrent;
using Akka.Actor;
using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Hocon;
using ClusterLb.Node.Configuration;
using ClusterLb.Proxy;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>The runtime registry on one real node: seeding, admin writes, and routing that follows them.</summary>
public sealed class RegistryTests(ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Configured_pools_are_seeded_into_the_registry_and_shown_with_health()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));
        var registry = harness.Node.Registry;

        var pool = Assert.Single(await registry.GetPoolsAsync(None));
        Assert.Equal(("main", "web", "round-robin", 0), (pool.Id, pool.Service, pool.Method, pool.Priority));
        Assert.Equal(["b1", "b2"], pool.Hosts.Select(h => h.Spec.Id));
        Assert.All(pool.Hosts, h => Assert.Equal((HostAdminState.Up, "up"), (h.Spec.State, h.Health)));
        Assert.Equal(backends[0].Url, pool.Hosts[0].Spec.Address);

        var service = Assert.Single(await registry.GetServicesAsync(None));
        Assert.Equal(("web", "/"), (service.Name, service.PathPrefix));
        Assert.Equal(["main"], service.Pools.ToArray());
        Assert.Null(await registry.GetPoolAsync("nope", None));

        // Seeding is a registry change like any other; the node records that it applied it.
        await Poll.UntilAsync(async () => (await registry.GetStatusAsync(None)).Nodes.Any(n => n.Node == harness.Node.ClusterAddress && n.Lag == 0), "the node to report it applied the seeded registry");
        var status = await registry.GetStatusAsync(None);
        Assert.True(status.Version >= 1);
        Assert.Equal(status.Version, status.Nodes.Single().Version);
    }

    [Fact]
    public async Task An_added_host_enters_rotation_once_its_checks_pass_and_then_gets_its_share()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2");
        var b2 = backends[1];
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, [backends[0]]));
        b2.GateProbes = true;

        var result = await harness.Node.Registry.ApplyAsync(new AddHost("main", "b2", b2.Url, 1), None);

        Assert.Equal((RegistryWriteStatus.Applied, "majority", ""), (result.Status, result.Consistency, result.Reason));
        Assert.Equal(["b1", "b2"], result.Pool!.Hosts.Select(h => h.Id));
        // The router knows the host (a checker probes it) but keeps it out of rotation until the probes pass.
        await Poll.UntilAsync(() => b2.ProbesAtGate == 1, "the new host's first probe");
        Assert.Equal(2, harness.Node.Handles["web"].Snapshot.TotalHosts);
        Assert.False(harness.IsUp("b2"));
        Assert.Equal(0, b2.Hits);

        b2.GateProbes = false;
        b2.AllowProbes(1000);
        await harness.WaitForHealthAsync("b2", HostHealth.Up);
        var answers = await harness.SendAsync(20);
        Assert.Equal(10, answers.GetValueOrDefault("b1"));
        Assert.Equal(10, answers.GetValueOrDefault("b2"));
    }

    [Fact]
    public async Task Invalid_commands_name_the_field_and_change_nothing()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));
        var registry = harness.Node.Registry;
        var before = (await registry.GetStatusAsync(None)).Version;
        var url = new Uri("http://127.0.0.1:1");

        await AssertInvalidAsync(new AddHost("main", "b2", url, 0), "weight");
        await AssertInvalidAsync(new AddHost("main", "b2", url, HostSettings.MaxWeight + 1), "weight");
        await AssertInvalidAsync(new AddHost("main", "b2", new Uri("ftp://127.0.0.1/"), 1), "address");
        await AssertInvalidAsync(new AddHost("main", "b2", new Uri("/relative", UriKind.Relative), 1), "address");
        await AssertInvalidAsync(new AddHost("main", "has space", url, 1), "id");
        await AssertInvalidAsync(new AddHost("main", new string('x', RegistryValidator.MaxIdLength + 1), url, 1), "id");
        await AssertInvalidAsync(new CreatePool("extra", "nosuch", BalancingMethod.RoundRobin, 0), "service");
        await AssertInvalidAsync(new CreatePool("bad/id", "web", BalancingMethod.RoundRobin, 0), "id");
        await AssertInvalidAsync(new CreatePool("extra", "web", BalancingMethod.RoundRobin, -1), "priority");
        await AssertInvalidAsync(new CreatePool("extra", "web", (BalancingMethod)42, 0), "method");
        await AssertInvalidAsync(new UpdatePool("main", null, null), "method");
        await AssertInvalidAsync(new UpdateHost("main", "b1", 0), "weight");
        await AssertInvalidAsync(new SetHostState("main", "b1", (HostAdminState)9), "state");

        Assert.Equal(RegistryWriteStatus.NotFound, (await registry.ApplyAsync(new AddHost("nosuch", "b2", url, 1), None)).Status);
        Assert.Equal(RegistryWriteStatus.NotFound, (await registry.ApplyAsync(new UpdateHost("main", "nosuch", 2), None)).Status);
        Assert.Equal(RegistryWriteStatus.NotFound, (await registry.ApplyAsync(new RemoveHost("main", "nosuch"), None)).Status);
        Assert.Equal(RegistryWriteStatus.NotFound, (await registry.ApplyAsync(new SetHostState("main", "nosuch", HostAdminState.Down), None)).Status);
        Assert.Equal(RegistryWriteStatus.NotFound, (await registry.ApplyAsync(new DeletePool("nosuch"), None)).Status);
        Assert.Equal(RegistryWriteStatus.NotFound, (await registry.ApplyAsync(new UpdatePool("nosuch", BalancingMethod.Random, null), None)).Status);
        var taken = await registry.ApplyAsync(new AddHost("main", "b1", url, 1), None);
        Assert.Equal((RegistryWriteStatus.Conflict, "id"), (taken.Status, taken.Field));
        var takenPool = await registry.ApplyAsync(new CreatePool("main", "web", BalancingMethod.RoundRobin, 3), None);
        Assert.Equal((RegistryWriteStatus.Conflict, "id"), (takenPool.Status, takenPool.Field));

        Assert.Equal(before, (await registry.GetStatusAsync(None)).Version);
        var pool = Assert.Single(await registry.GetPoolsAsync(None));
        Assert.Equal(("b1", backends[0].Url, 1), (pool.Hosts.Single().Spec.Id, pool.Hosts.Single().Spec.Address, pool.Hosts.Single().Spec.Weight));

        async Task AssertInvalidAsync(RegistryCommand command, string field)
        {
            var result = await registry.ApplyAsync(command, None);
            Assert.Equal((RegistryWriteStatus.Invalid, field), (result.Status, result.Field));
            Assert.False(string.IsNullOrWhiteSpace(result.Reason));
            Assert.Null(result.Pool);
        }
    }

    [Fact]
    public async Task A_removed_host_leaves_rotation_at_once_while_its_request_in_flight_finishes()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2");
        var (b1, b2) = (backends[0], backends[1]);
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));
        // Round robin puts one held request on each backend.
        var first = harness.Client.GetStringAsync("/slow");
        var second = harness.Client.GetStringAsync("/slow");
        await Task.WhenAll(b1.SlowStarted, b2.SlowStarted).WaitAsync(TimeSpan.FromSeconds(10));

        var result = await harness.Node.Registry.ApplyAsync(new RemoveHost("main", "b2"), None);

        Assert.Equal(RegistryWriteStatus.Applied, result.Status);
        Assert.Equal(["b1"], result.Pool!.Hosts.Select(h => h.Id));
        await Poll.UntilAsync(() => harness.Node.Handles["web"].Snapshot.TotalHosts == 1, "b2 to leave the routing snapshot");
        var hitsAfterRemoval = b2.Hits;
        var answers = await harness.SendAsync(10);
        Assert.Equal(10, answers.GetValueOrDefault("b1"));
        Assert.Equal(hitsAfterRemoval, b2.Hits);

        // The request b2 held when it was removed still completes.
        b2.ReleaseSlow();
        b1.ReleaseSlow();
        var done = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("b2 slow done", done);
        Assert.Equal(hitsAfterRemoval, b2.Hits);
    }

    [Fact]
    public async Task A_host_set_down_stays_out_however_its_checks_go_and_up_brings_it_back()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2");
        var b2 = backends[1];
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));
        var registry = harness.Node.Registry;

        var down = await registry.ApplyAsync(new SetHostState("main", "b2", HostAdminState.Down), None);
        Assert.Equal(HostAdminState.Down, down.Pool!.Hosts.Single(h => h.Id == "b2").State);
        await harness.WaitForHealthAsync("b2", HostHealth.Down);

        // Passing checks keep coming (more than rise of them) and the checker says up, yet b2 stays out.
        var probes = b2.Probes;
        await Poll.UntilAsync(() => b2.Probes >= probes + 4, "b2 to pass more checks than rise");
        Assert.False(harness.IsUp("b2"));
        var view = (await registry.GetPoolAsync("main", None))!.Hosts.Single(h => h.Spec.Id == "b2");
        Assert.Equal((HostAdminState.Down, "up"), (view.Spec.State, view.Health));
        var hits = b2.Hits;
        var answers = await harness.SendAsync(10);
        Assert.Equal(10, answers.GetValueOrDefault("b1"));
        Assert.Equal(hits, b2.Hits);

        await registry.ApplyAsync(new SetHostState("main", "b2", HostAdminState.Up), None);
        await harness.WaitForHealthAsync("b2", HostHealth.Up);
        answers = await harness.SendAsync(10);
        Assert.Equal(5, answers.GetValueOrDefault("b2"));
    }

    [Fact]
    public async Task Drain_takes_a_host_out_of_rotation_and_up_brings_it_back()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));

        await harness.Node.Registry.ApplyAsync(new SetHostState("main", "b2", HostAdminState.Drain), None);
        await harness.WaitForHealthAsync("b2", HostHealth.Down);
        Assert.Equal(10, (await harness.SendAsync(10)).GetValueOrDefault("b1"));

        await harness.Node.Registry.ApplyAsync(new SetHostState("main", "b2", HostAdminState.Up), None);
        await harness.WaitForHealthAsync("b2", HostHealth.Up);
    }

    [Fact]
    public async Task A_weight_change_changes_the_distribution()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));
        var answers = await harness.SendAsync(20);
        Assert.Equal((10, 10), (answers.GetValueOrDefault("b1"), answers.GetValueOrDefault("b2")));

        var result = await harness.Node.Registry.ApplyAsync(new UpdateHost("main", "b2", 3), None);

        Assert.Equal(3, result.Pool!.Hosts.Single(h => h.Id == "b2").Weight);
        await Poll.UntilAsync(() => harness.Node.Handles["web"].Snapshot.Pools[0].Healthy.Any(h => h.Id == "b2" && h.Weight == 3), "the new weight to reach the snapshot");
        // Smooth weighted round robin: exactly 1:3 over whole cycles of 4.
        answers = await harness.SendAsync(40);
        Assert.Equal((10, 30), (answers.GetValueOrDefault("b1"), answers.GetValueOrDefault("b2")));
    }

    [Fact]
    public async Task Pools_created_at_runtime_route_and_fail_over_and_a_deleted_pool_id_is_not_reused()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2");
        var (b1, b2) = (backends[0], backends[1]);
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, [b1]));
        var registry = harness.Node.Registry;
        using var events = EventCollector.Start(harness.Node.System);

        var created = await registry.ApplyAsync(new CreatePool("backup", "web", BalancingMethod.Random, 5), None);
        Assert.Equal((RegistryWriteStatus.Applied, "majority"), (created.Status, created.Consistency));
        Assert.Empty(created.Pool!.Hosts);
        await registry.ApplyAsync(new AddHost("backup", "b2", b2.Url, 1), None);
        await registry.ApplyAsync(new UpdatePool("backup", null, 1), None);
        await registry.ApplyAsync(new UpdateHost("backup", "b2", 2), None);
        Assert.Equal(["main", "backup"], (await registry.GetPoolsAsync(None)).Select(p => p.Id));
        Assert.Equal(["main", "backup"], (await registry.GetServicesAsync(None)).Single().Pools.ToArray());
        await Poll.UntilAsync(() => harness.Node.Handles["web"].Snapshot.Pools.Length == 2 && harness.IsUp("b2"), "the runtime pool and its host in rotation");

        // The runtime pool takes traffic when the configured one has nothing healthy.
        await registry.ApplyAsync(new SetHostState("main", "b1", HostAdminState.Down), None);
        await harness.WaitForHealthAsync("b1", HostHealth.Down);
        Assert.Equal(5, (await harness.SendAsync(5)).GetValueOrDefault("b2"));

        var deleted = await registry.ApplyAsync(new DeletePool("backup"), None);
        Assert.Equal((RegistryWriteStatus.Applied, "majority", (PoolSpec?)null), (deleted.Status, deleted.Consistency, deleted.Pool));
        Assert.Null(await registry.GetPoolAsync("backup", None));
        await Poll.UntilAsync(() => harness.Node.Handles["web"].Snapshot.Pools.Length == 1, "the deleted pool to leave the snapshot");
        Assert.Equal(5, (await harness.SendAsync(5)).GetValueOrDefault("status 503"));
        var reused = await registry.ApplyAsync(new CreatePool("backup", "web", BalancingMethod.RoundRobin, 1), None);
        Assert.Equal((RegistryWriteStatus.Conflict, "id"), (reused.Status, reused.Field));

        // Every applied change is announced on the event stream.
        await Poll.UntilAsync(() => events.Has(RegistryEvent.RegistryChanged, "backup", null, "pool deleted"), "the pool deletion event");
        Assert.True(events.Has(RegistryEvent.RegistryChanged, "backup", null, "pool created"));
        // (Hosts added before this node followed the new pool's key arrive with the pool: "pool created (..., 1 hosts)".)
        Assert.True(events.Has(RegistryEvent.RegistryChanged, "backup", "b2", "weight 1 -> 2"));
        Assert.True(events.Has(RegistryEvent.RegistryChanged, "backup", null, "priority 5 -> 1"));
        Assert.True(events.Has(RegistryEvent.RegistryChanged, "main", "b1", "state up -> down"));
        Assert.True(events.Has(RegistryEvent.HostUp, "backup", "b2", ""));
        Assert.All(events.All, e => Assert.Equal(harness.Node.ClusterAddress, e.Node));
    }

    [Fact]
    public async Task A_restart_on_the_same_data_directory_keeps_runtime_changes_and_does_not_bring_back_a_removed_configured_host()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2", "b3");
        using var dataDirectory = TempDirectory.Create();
        var file = Path.Combine(dataDirectory.Path, "node.conf");
        // As `clusterlb run --config`: the file over reference.conf, whose durable keys (registry-*) live in the
        // node's SQLite database under its data directory.
        await File.WriteAllTextAsync(file, $$"""
            clusterlb {
              node.name = "restarted"
              node.data-dir = "{{dataDirectory.Path}}"
              proxy.http { bind = "127.0.0.1", port = 0 }
              proxy.http2.enabled = off
              admin.port = 0
              health-check { path = "/health", interval = 100ms }
              services.web.pools = [
                { id = main, hosts = [
                    { id = b1, address = "{{backends[0].Url}}" }
                    { id = b2, address = "{{backends[1].Url}}" }
                ] }
              ]
            }
            """);
        var settings = NodeConfigReader.Read(ClusterLbConfigLoader.Load(file, useEnvironment: false));
        await using (var first = await NodeHarness.StartAsync(output, [], settings))
        {
            var registry = first.Node.Registry;
            Assert.Equal(RegistryWriteStatus.Applied, (await registry.ApplyAsync(new RemoveHost("main", "b2"), None)).Status);
            Assert.Equal(RegistryWriteStatus.Applied, (await registry.ApplyAsync(new AddHost("main", "b3", backends[2].Url, 4), None)).Status);
            Assert.Equal(RegistryWriteStatus.Applied, (await registry.ApplyAsync(new CreatePool("extra", "web", BalancingMethod.RoundRobin, 1), None)).Status);
            Assert.Equal(RegistryWriteStatus.Applied, (await registry.ApplyAsync(new DeletePool("extra"), None)).Status);
        }

        await using var second = await NodeHarness.StartAsync(output, backends, settings);
        var pool = (await second.Node.Registry.GetPoolAsync("main", None))!;
        Assert.Equal(["b1", "b3"], pool.Hosts.Select(h => h.Spec.Id));
        Assert.Equal(4, pool.Hosts[1].Spec.Weight);
        Assert.Equal(["b1", "b3"], second.Node.Handles["web"].Snapshot.Pools.Single().All.Select(h => h.Id));
        Assert.Null(await second.Node.Registry.GetPoolAsync("extra", None));
        var answers = await second.SendAsync(10);
        Assert.Equal((2, 8, 0), (answers.GetValueOrDefault("b1"), answers.GetValueOrDefault("b3"), answers.GetValueOrDefault("b2")));
    }

    /// <summary>Collects the registry events published on a node's event stream.</summary>
    private sealed class EventCollector : IDisposable
    {
        private readonly ConcurrentQueue<RegistryEvent> _events = new();
        private readonly ActorSystem _system;
        private readonly IActorRef _actor;

        private EventCollector(ActorSystem system)
        {
            _system = system;
            _actor = system.ActorOf(Props.Create(() => new Listener(_events)));
            system.EventStream.Subscribe(_actor, typeof(RegistryEvent));
        }

        public IReadOnlyList<RegistryEvent> All => [.. _events];

        public static EventCollector Start(ActorSystem system) => new(system);

        public bool Has(string kind, string pool, string? host, string detailStart) =>
            _events.Any(e => e.Kind == kind && e.Pool == pool && e.Host == host && e.Detail.StartsWith(detailStart, StringComparison.Ordinal) && e.Service == "web");

        public void Dispose()
        {
            _system.EventStream.Unsubscribe(_actor);
            _system.Stop(_actor);
        }

        private sealed class Listener : ReceiveActor
        {
            public Listener(ConcurrentQueue<RegistryEvent> events) => Receive<RegistryEvent>(events.Enqueue);
        }
    }
}
