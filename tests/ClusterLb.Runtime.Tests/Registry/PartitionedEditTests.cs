using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;
using ClusterLb.Runtime.Tests.Support;

namespace ClusterLb.Runtime.Tests.Registry;

/// <summary>Edits made on both sides of a partition are kept locally and merge by the documented rules on healing.</summary>
public sealed class PartitionedEditTests : RegistryTestKit
{
    [Fact]
    public async Task Concurrent_edits_on_both_sides_of_a_partition_apply_by_the_documented_rules()
    {
        var other = StartNode();
        await ClusterSystems.FormAsync(this, Sys, other);
        var n1 = await StartBalancerAsync(Sys, TimeSpan.FromMilliseconds(300));
        var n2 = await StartBalancerAsync(other, TimeSpan.FromMilliseconds(300));
        Assert.Equal(RegistryWriteStatus.Applied, (await n1.Admin.ApplyAsync(new CreatePool("extra", "web", BalancingMethod.RoundRobin, 1), None)).Status);
        await AwaitConditionAsync(async () => await n2.Admin.GetPoolAsync("extra", None) is not null, Deadline, ClusterSystems.PollInterval, "n2 to see the new pool");

        await ClusterSystems.SetLinkAsync(Sys, other, connected: false);
        var added = await n1.Admin.ApplyAsync(new AddHost("main", "c", new Uri("http://c.test"), 1), None);
        var removed = await n2.Admin.ApplyAsync(new RemoveHost("main", "a"), None);
        var firstWeight = await n1.Admin.ApplyAsync(new UpdateHost("main", "b", 5), None);
        var laterWeight = await n2.Admin.ApplyAsync(new UpdateHost("main", "b", 7), None);   // later: wins
        var deleted = await n1.Admin.ApplyAsync(new DeletePool("extra"), None);
        var editOfDeleted = await n2.Admin.ApplyAsync(new AddHost("extra", "x", new Uri("http://x.test"), 1), None);

        // Each side keeps its write and says only it confirmed it.
        Assert.Equal((RegistryWriteStatus.Applied, "local"), (added.Status, added.Consistency));
        Assert.Contains("majority", added.Reason);
        Assert.Equal((RegistryWriteStatus.Applied, "local"), (removed.Status, removed.Consistency));
        Assert.All(new[] { firstWeight, laterWeight, deleted, editOfDeleted }, r => Assert.Equal((RegistryWriteStatus.Applied, "local"), (r.Status, r.Consistency)));

        await ClusterSystems.SetLinkAsync(Sys, other, connected: true);
        foreach (var node in new[] { n1, n2 })
        {
            await AwaitConditionAsync(async () =>
            {
                var pools = await node.Admin.GetPoolsAsync(None);
                return pools.Count == 1 && pools[0].Hosts.Select(h => h.Spec.Id).SequenceEqual(["b", "c"]) && pools[0].Hosts[0].Spec.Weight == 7;
            }, Deadline, ClusterSystems.PollInterval, $"{node} to converge on main = b (weight 7), c and no pool extra");
            await AwaitConditionAsync(() => node.Routed().SequenceEqual(["b", "c"]), Deadline, ClusterSystems.PollInterval, $"{node}'s router to follow");
        }
    }
}
