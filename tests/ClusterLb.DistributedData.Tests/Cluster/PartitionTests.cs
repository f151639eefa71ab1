using ClusterLb.DistributedData.Replication;
using Pool = ClusterLb.DistributedData.Crdt.LWWMap<string, string>;

namespace ClusterLb.DistributedData.Tests.ClusterMode;

/// <summary>A 1|2 partition made with TransportFaults; conflicting edits on both sides converge after healing.</summary>
[Collection(RealSockets.Name)]
public class PartitionTests
{
    [Fact]
    public async Task Conflicting_edits_on_both_sides_of_a_partition_converge_to_one_value_on_every_node()
    {
        await using var cluster = await DdataCluster.StartAsync(3);
        var key = new Key<Pool>("pool-web");
        await cluster[0].Update(key, Pool.Empty, new WriteAll(TimeSpan.FromSeconds(10)),
            p => p.SetItem(cluster[0].Id, "host-1", "v0").SetItem(cluster[0].Id, "host-2", "v0").SetItem(cluster[0].Id, "host-3", "v0"));
        await ReplicationOnClusterTests.AllSee(cluster, key, "host-3", "v0");

        var (lone, left, right) = (cluster[0], cluster[1], cluster[2]);
        cluster.Faults.BlockBoth(lone.NodeAddress, left.NodeAddress);
        cluster.Faults.BlockBoth(lone.NodeAddress, right.NodeAddress);

        // The minority side cannot reach a majority: the write is applied locally and reported as a timeout.
        var minority = await lone.Update(key, Pool.Empty, new WriteMajority(TimeSpan.FromSeconds(1)),
            p => p.SetItem(lone.Id, "host-1", "lone").Remove(lone.Id, "host-2"));
        var timeout = Assert.IsType<UpdateTimeout>(minority);
        Assert.Equal(1, timeout.Acknowledged);

        // The majority side writes later (so its host-1 wins by timestamp) and concurrently rewrites the removed host-2.
        Assert.IsType<UpdateSuccess>(await left.Update(key, Pool.Empty, new WriteMajority(TimeSpan.FromSeconds(10)),
            p => p.SetItem(left.Id, "host-1", "majority").SetItem(left.Id, "host-2", "kept").Remove(left.Id, "host-3")));
        await DdataCluster.Eventually(async () =>
        {
            var pool = await right.GetLocal(key);
            return (pool is not null && pool.TryGetValue("host-1", out var v) && v == "majority", "right side has the majority's edit");
        }, "the majority's edit reaches the other majority node");
        Assert.Equal("lone", (await lone.GetLocal(key))!.Entries["host-1"]);

        cluster.Faults.UnblockBoth(lone.NodeAddress, left.NodeAddress);
        cluster.Faults.UnblockBoth(lone.NodeAddress, right.NodeAddress);

        await DdataCluster.Eventually(async () =>
        {
            var pools = await Task.WhenAll(cluster.Nodes.Select(n => n.GetLocal(key)));
            var views = pools.Select(p => string.Join(";", p!.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"))).ToList();
            return (views.Distinct().Count() == 1 && views[0] == "host-1=majority;host-2=kept", string.Join(" | ", views));
        }, "every node has host-1=majority (later write), host-2=kept (write wins over concurrent remove), host-3 removed");
    }
}
