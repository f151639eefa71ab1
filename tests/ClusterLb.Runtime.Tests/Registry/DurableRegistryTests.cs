using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;
using ClusterLb.Runtime.Tests.Support;

namespace ClusterLb.Runtime.Tests.Registry;

/// <summary>The registry over a durable store (an in-memory one standing for the SQL store).</summary>
public sealed class DurableRegistryTests : RegistryTestKit
{
    [Fact]
    public async Task A_restart_keeps_runtime_changes_and_does_not_reseed_what_was_removed()
    {
        var store = MemoryDurableStore.Hocon($"restart-{Guid.NewGuid():N}");
        var firstSystem = StartNode(store);
        await ClusterSystems.FormAsync(this, firstSystem);
        var first = await StartBalancerAsync(firstSystem);
        // Each admin write is answered once it is stored: the replicator confirms a durable key's write after the store does.
        Assert.Equal(RegistryWriteStatus.Applied, (await first.Admin.ApplyAsync(new RemoveHost("main", "a"), None)).Status);
        Assert.Equal(RegistryWriteStatus.Applied, (await first.Admin.ApplyAsync(new AddHost("main", "c", new Uri("http://c.test"), 4), None)).Status);
        Assert.Equal(RegistryWriteStatus.Applied, (await first.Admin.ApplyAsync(new CreatePool("extra", "web", BalancingMethod.RoundRobin, 1), None)).Status);
        Assert.Equal(RegistryWriteStatus.Applied, (await first.Admin.ApplyAsync(new DeletePool("extra"), None)).Status);
        await firstSystem.Terminate();

        // Same configuration (hosts a and b), same stored registry, a new incarnation.
        var secondSystem = StartNode(store);
        await ClusterSystems.FormAsync(this, secondSystem);
        var second = await StartBalancerAsync(secondSystem);

        Assert.Equal(["b", "c"], second.Web.Snapshot.Pools.Single().All.Select(h => h.Id));
        Assert.Equal(4, (await second.Admin.GetPoolAsync("main", None))!.Hosts.Single(h => h.Spec.Id == "c").Spec.Weight);
        Assert.Null(await second.Admin.GetPoolAsync("extra", None));
        Assert.Equal(RegistryWriteStatus.Conflict, (await second.Admin.ApplyAsync(new CreatePool("extra", "web", BalancingMethod.RoundRobin, 1), None)).Status);
    }

    [Fact]
    public async Task A_write_the_durable_store_fails_to_keep_is_applied_and_reported_as_local()
    {
        var failing = StartNode(MemoryDurableStore.Hocon($"failing-{Guid.NewGuid():N}", failStores: true));
        await ClusterSystems.FormAsync(this, failing);
        var node = await StartBalancerAsync(failing);

        var result = await node.Admin.ApplyAsync(new AddHost("main", "c", new Uri("http://c.test"), 1), None);

        Assert.Equal((RegistryWriteStatus.Applied, "local"), (result.Status, result.Consistency));
        Assert.Contains("durable store failed", result.Reason);
        await AwaitConditionAsync(() => node.Routed().SequenceEqual(["a", "b", "c"]), Deadline, ClusterSystems.PollInterval, "the router to route to c all the same");
    }
}
