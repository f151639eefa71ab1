using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;
using ClusterLb.IntegrationTests.Infrastructure;
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
        await Poll.UntilAsync(async () => (await registry.GetStatusAsync(None)).Nodes.Any(n => n.Node == "test-node" && n.Lag == 0), "the node to report it applied the seeded registry");
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
        await harness.WaitForHealthAsync("b2", Balancing.Health.HostHealth.Up);
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
}
