using ClusterLb.Balancing.Registry;
using ClusterLb.Runtime.Tests.Support;

namespace ClusterLb.Runtime.Tests.Registry;

/// <summary>A runtime change on one member reaches every member's routers, and each member records what it applied.</summary>
public sealed class RegistryReplicationTests : RegistryTestKit
{
    [Fact]
    public async Task A_change_on_one_node_reaches_the_other_nodes_router_and_is_confirmed_by_the_majority()
    {
        var other = StartNode();
        await ClusterSystems.FormAsync(this, Sys, other);
        var n1 = await StartBalancerAsync(Sys);
        var n2 = await StartBalancerAsync(other);

        var result = await n1.Admin.ApplyAsync(new AddHost("main", "c", new Uri("http://c.test"), 2), None);

        Assert.Equal((RegistryWriteStatus.Applied, "majority"), (result.Status, result.Consistency));
        await AwaitConditionAsync(() => n2.Routed().SequenceEqual(["a", "b", "c"]), Deadline, ClusterSystems.PollInterval, "n2's router to route to c");
        var seenByN2 = await n2.Admin.GetPoolAsync("main", None);
        Assert.Equal(2, seenByN2!.Hosts.Single(h => h.Spec.Id == "c").Spec.Weight);
    }

    [Fact]
    public async Task Every_node_records_the_registry_version_it_applied()
    {
        var other = StartNode();
        await ClusterSystems.FormAsync(this, Sys, other);
        var n1 = await StartBalancerAsync(Sys);
        var n2 = await StartBalancerAsync(other);
        Assert.Equal(RegistryWriteStatus.Applied, (await n2.Admin.ApplyAsync(new UpdateHost("main", "a", 3), None)).Status);

        await AwaitConditionAsync(async () =>
        {
            var status = await n1.Admin.GetStatusAsync(None);
            return status.Nodes.Length == 2 && status.Nodes.All(n => n.Lag == 0 && n.Version == status.Version);
        }, Deadline, ClusterSystems.PollInterval, "both nodes to report the version applied");

        var seenByN1 = await n1.Admin.GetStatusAsync(None);
        Assert.Equal(2, seenByN1.Version); // n1 seeded main (n2 found it and seeded nothing), then the update
        await AwaitConditionAsync(async () =>
        {
            var status = await n2.Admin.GetStatusAsync(None);
            return status.Version == seenByN1.Version && status.Nodes.SequenceEqual(seenByN1.Nodes);
        }, Deadline, ClusterSystems.PollInterval, "n2 to hold the same versions");
        Assert.Equal(new[] { Address(Sys), Address(other) }.Order(StringComparer.Ordinal), seenByN1.Nodes.Select(n => n.Node));
    }
}
