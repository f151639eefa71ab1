using ClusterLb.DistributedData.Replication;
using Pool = ClusterLb.DistributedData.Crdt.LWWMap<string, string>;

namespace ClusterLb.DistributedData.Tests.ClusterMode;

/// <summary>Replicators on three real nodes (loopback sockets), peers learned from cluster membership.</summary>
[Collection(RealSockets.Name)]
public class ReplicationOnClusterTests
{
    [Fact]
    public async Task The_replica_id_is_the_cluster_self_address_and_the_replicator_knows_every_up_member()
    {
        await using var cluster = await DdataCluster.StartAsync(3);

        foreach (var node in cluster.Nodes)
        {
            Assert.True(node.Ddata.IsClustered);
            Assert.Equal(node.Cluster.SelfAddress.ToString(), node.Id.Address);
            Assert.Equal(node.Cluster.SelfUniqueAddress.Uid, node.Id.Uid);
            Assert.Equal(3, await node.ReplicaCountAsync());
        }
    }

    [Fact]
    public async Task A_local_write_reaches_every_node_by_deltas_and_a_majority_write_reports_majority()
    {
        await using var cluster = await DdataCluster.StartAsync(3);
        var key = new Key<Pool>("pool-web");

        Assert.IsType<UpdateSuccess>(await cluster[0].Update(key, Pool.Empty, WriteLocal.Instance, p => p.SetItem(cluster[0].Id, "host-1", "a")));
        await AllSee(cluster, key, "host-1", "a");

        // The acknowledgements go to the write aggregator, a child of the replicator: its ref must cross the wire and resolve.
        var majority = Assert.IsType<UpdateSuccess>(await cluster[1].Update(key, Pool.Empty, new WriteMajority(TimeSpan.FromSeconds(10)),
            p => p.SetItem(cluster[1].Id, "host-2", "b")));
        Assert.Equal(ConsistencyReached.Majority, majority.Reached);
        var all = Assert.IsType<UpdateSuccess>(await cluster[2].Update(key, Pool.Empty, new WriteAll(TimeSpan.FromSeconds(10)),
            p => p.SetItem(cluster[2].Id, "host-3", "c")));
        Assert.Equal(ConsistencyReached.All, all.Reached);

        // The read aggregator's answers take the same path back.
        var read = Assert.IsType<GetSuccess>(await cluster[0].Ask(new Get(key, new ReadAll(TimeSpan.FromSeconds(10)))));
        Assert.Equal("c", read.Get(key).Entries["host-3"]);
        await AllSee(cluster, key, "host-2", "b");
        Assert.All(cluster.Nodes, n => Assert.True(n.Remoting.Transport.Metrics.BytesSent > 0 && n.Remoting.Transport.Metrics.BytesReceived > 0));
    }

    [Fact]
    public async Task A_replicator_started_after_its_node_joined_learns_the_members_already_up()
    {
        await using var cluster = await DdataCluster.StartAsync(2);
        var late = await cluster.AddNodeAsync(startDdata: false);
        await DdataCluster.Eventually(() =>
        {
            var up = late.Cluster.State.Members.Count(m => m.Status == ClusterLb.Cluster.MemberStatus.Up);
            return Task.FromResult((up == 3, $"{up} members up"));
        }, "the late node sees three members up");

        // The adapter subscribes now: the two members already up arrive as replayed MemberUp events.
        await cluster.AllKnowEachOtherAsync();
        var key = new Key<Pool>("pool-late");
        var all = Assert.IsType<UpdateSuccess>(await late.Update(key, Pool.Empty, new WriteAll(TimeSpan.FromSeconds(10)),
            p => p.SetItem(late.Id, "host-1", "x")));
        Assert.Equal(ConsistencyReached.All, all.Reached);
    }

    [Fact]
    public async Task A_member_that_leaves_is_removed_from_the_replicators()
    {
        await using var cluster = await DdataCluster.StartAsync(3);

        cluster[2].Cluster.Leave(cluster[2].Cluster.SelfAddress);

        await DdataCluster.Eventually(async () =>
        {
            var counts = await Task.WhenAll(cluster[0].ReplicaCountAsync(), cluster[1].ReplicaCountAsync());
            return (counts.All(c => c == 2), string.Join(",", counts));
        }, "the remaining replicators count two replicas");
    }

    internal static Task AllSee(DdataCluster cluster, Key<Pool> key, string host, string value) =>
        DdataCluster.Eventually(async () =>
        {
            var values = await Task.WhenAll(cluster.Nodes.Where(n => !n.Stopped).Select(async n =>
                (await n.GetLocal(key)) is { } pool && pool.TryGetValue(host, out var v) ? v : "<none>"));
            return (values.All(v => v == value), string.Join(",", values));
        }, $"every node has {host}={value} in {key.Id}");
}

/// <summary>Real-socket tests run one at a time: they are timing-sensitive on a loaded two-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RealSockets
{
    public const string Name = "real sockets";
}
