using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;
using ClusterLb.Runtime.Tests.Support;

namespace ClusterLb.Runtime.Tests.Registry;

/// <summary>What an admin write refuses on one node, checked against the replica inside the replicator's update.</summary>
public sealed class RegistryWriteRulesTests : RegistryTestKit
{
    [Fact]
    public async Task A_pool_id_that_exists_or_was_deleted_is_a_conflict()
    {
        var node = await StartBalancerAsync(Sys);
        var created = await node.Admin.ApplyAsync(new CreatePool("extra", "web", BalancingMethod.RoundRobin, 1), None);
        Assert.Equal((RegistryWriteStatus.Applied, "majority"), (created.Status, created.Consistency));
        await AwaitConditionAsync(() => node.Web.Snapshot.Pools.Any(p => p.Id == "extra"), Deadline, ClusterSystems.PollInterval, "the router to hold pool extra");

        var again = await node.Admin.ApplyAsync(new CreatePool("extra", "web", BalancingMethod.Random, 2), None);
        Assert.Equal((RegistryWriteStatus.Conflict, "id"), (again.Status, again.Field));

        Assert.Equal(RegistryWriteStatus.Applied, (await node.Admin.ApplyAsync(new DeletePool("extra"), None)).Status);
        await AwaitConditionAsync(() => node.Web.Snapshot.Pools.All(p => p.Id != "extra"), Deadline, ClusterSystems.PollInterval, "the router to drop pool extra");
        var recreated = await node.Admin.ApplyAsync(new CreatePool("extra", "web", BalancingMethod.RoundRobin, 1), None);
        Assert.Equal((RegistryWriteStatus.Conflict, "id"), (recreated.Status, recreated.Field));
        Assert.Contains("deleted", recreated.Reason);
        Assert.Null(await node.Admin.GetPoolAsync("extra", None));
        Assert.Equal(RegistryWriteStatus.NotFound, (await node.Admin.ApplyAsync(new DeletePool("extra"), None)).Status);
    }

    [Fact]
    public async Task A_host_id_taken_in_its_pool_is_a_conflict_and_edits_of_missing_hosts_or_pools_are_not_found()
    {
        var node = await StartBalancerAsync(Sys);

        var taken = await node.Admin.ApplyAsync(new AddHost("main", "a", new Uri("http://elsewhere.test"), 1), None);
        Assert.Equal((RegistryWriteStatus.Conflict, "id"), (taken.Status, taken.Field));
        Assert.Equal(RegistryWriteStatus.NotFound, (await node.Admin.ApplyAsync(new UpdateHost("main", "zz", 2), None)).Status);
        Assert.Equal(RegistryWriteStatus.NotFound, (await node.Admin.ApplyAsync(new RemoveHost("main", "zz"), None)).Status);
        Assert.Equal(RegistryWriteStatus.NotFound, (await node.Admin.ApplyAsync(new AddHost("nope", "c", new Uri("http://c.test"), 1), None)).Status);

        var pool = await node.Admin.GetPoolAsync("main", None);
        Assert.Equal(new Uri("http://a.test"), pool!.Hosts.Single(h => h.Spec.Id == "a").Spec.Address);
        Assert.Equal(["a", "b"], node.Routed());
    }
}
