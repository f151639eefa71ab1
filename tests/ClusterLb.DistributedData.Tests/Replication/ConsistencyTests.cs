using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Replication;
using Pool = ClusterLb.DistributedData.Crdt.LWWMap<string, string>;

namespace ClusterLb.DistributedData.Tests.Replication;

public class ConsistencyTests
{
    private static readonly Key<Pool> PoolKey = new("pool-web");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    // Deltas and gossip slowed right down, so only the direct writes and reads under test move data.
    private static ReplicatorSettings Quiet => ReplicaCluster.FastSettings with
    {
        GossipInterval = TimeSpan.FromHours(1),
        DeltaPropagationInterval = TimeSpan.FromHours(1),
    };

    [Fact]
    public async Task WriteMajority_succeeds_on_the_majority_side_and_reports_majority()
    {
        await using var cluster = ReplicaCluster.Start(5, Quiet);
        cluster.Network.Partition([cluster[0].Id, cluster[1].Id], [cluster[2].Id, cluster[3].Id, cluster[4].Id]);

        var reply = await cluster[2].Update(PoolKey, Pool.Empty, new WriteMajority(Timeout),
            pool => pool.SetItem(cluster[2].Id, "host-1", "spec"));

        Assert.Equal(ConsistencyReached.Majority, Assert.IsType<UpdateSuccess>(reply).Reached);
        var holders = 0;
        foreach (var node in cluster.Nodes)
        {
            holders += await node.GetLocal(PoolKey) is not null ? 1 : 0;
        }

        Assert.True(holders >= 3, $"a majority holds the write, found {holders}");
    }

    [Fact]
    public async Task WriteMajority_on_the_minority_side_times_out_and_reports_local()
    {
        await using var cluster = ReplicaCluster.Start(5, Quiet);
        cluster.Network.Partition([cluster[0].Id, cluster[1].Id], [cluster[2].Id, cluster[3].Id, cluster[4].Id]);

        var reply = await cluster[0].Update(PoolKey, Pool.Empty, new WriteMajority(Timeout),
            pool => pool.SetItem(cluster[0].Id, "host-1", "spec"));

        var timeout = Assert.IsType<UpdateTimeout>(reply);
        Assert.Equal(ConsistencyReached.Local, timeout.Reached);
        Assert.Equal(2, timeout.Acknowledged);
        Assert.Equal(3, timeout.Required);
        Assert.NotNull(await cluster[0].GetLocal(PoolKey)); // not rolled back
    }

    [Fact]
    public async Task WriteAll_and_WriteTo_count_the_replicas_they_need()
    {
        await using var cluster = ReplicaCluster.Start(3, Quiet);

        var all = await cluster[0].Update(PoolKey, Pool.Empty, new WriteAll(Timeout), p => p.SetItem(cluster[0].Id, "a", "1"));
        Assert.Equal(ConsistencyReached.All, Assert.IsType<UpdateSuccess>(all).Reached);
        Assert.NotNull(await cluster[1].GetLocal(PoolKey));
        Assert.NotNull(await cluster[2].GetLocal(PoolKey));

        cluster.Network.Cut(cluster[0].Id, cluster[2].Id);
        var two = await cluster[0].Update(PoolKey, Pool.Empty, new WriteTo(2, Timeout), p => p.SetItem(cluster[0].Id, "b", "2"));
        Assert.Equal(ConsistencyReached.Count, Assert.IsType<UpdateSuccess>(two).Reached);
        var allAgain = await cluster[0].Update(PoolKey, Pool.Empty, new WriteAll(Timeout), p => p.SetItem(cluster[0].Id, "c", "3"));
        Assert.IsType<UpdateTimeout>(allAgain);
    }

    [Fact]
    public async Task ReadMajority_merges_the_replicas_that_answer_and_repairs_the_local_replica()
    {
        await using var cluster = ReplicaCluster.Start(5, Quiet);
        await cluster[1].Update(PoolKey, Pool.Empty, WriteLocal.Instance, p => p.SetItem(cluster[1].Id, "host-a", "from-1"));
        await cluster[2].Update(PoolKey, Pool.Empty, WriteLocal.Instance, p => p.SetItem(cluster[2].Id, "host-b", "from-2"));
        // Only nodes 1 and 2 can answer node 0, so a majority of 3 (node 0 itself plus two) must include both writes.
        cluster.Network.Cut(cluster[0].Id, cluster[3].Id);
        cluster.Network.Cut(cluster[0].Id, cluster[4].Id);

        var reply = await cluster[0].Ask(new Get(PoolKey, new ReadMajority(Timeout)));

        var pool = Assert.IsType<GetSuccess>(reply).Get(PoolKey);
        Assert.Equal("from-1", pool.Entries["host-a"]);
        Assert.Equal("from-2", pool.Entries["host-b"]);
        Assert.Equal(pool, await cluster[0].GetLocal(PoolKey));
    }

    [Fact]
    public async Task ReadMajority_without_enough_answers_fails_and_ReadLocal_of_a_missing_key_is_NotFound()
    {
        await using var cluster = ReplicaCluster.Start(3, Quiet);
        cluster.Network.Partition([cluster[0].Id], [cluster[1].Id, cluster[2].Id]);

        Assert.IsType<GetFailure>(await cluster[0].Ask(new Get(PoolKey, new ReadMajority(Timeout))));
        Assert.IsType<NotFound>(await cluster[0].Ask(new Get(PoolKey, ReadLocal.Instance)));

        cluster.Network.Heal();
        Assert.IsType<NotFound>(await cluster[0].Ask(new Get(PoolKey, new ReadAll(Timeout))));
    }

    [Fact]
    public async Task MinCap_raises_the_majority()
    {
        Assert.Equal(3, new WriteMajority(Timeout).Required(5));
        Assert.Equal(5, new WriteMajority(Timeout, MinCap: 7).Required(5));
        Assert.Equal(4, new ReadMajority(Timeout, MinCap: 4).Required(5));
        Assert.Equal(1, new WriteMajority(Timeout).Required(1));
        await using var single = ReplicaCluster.Start(1, Quiet);
        var reply = await single[0].Update(PoolKey, Pool.Empty, new WriteMajority(Timeout), p => p.SetItem(single[0].Id, "a", "1"));
        Assert.Equal(ConsistencyReached.Majority, Assert.IsType<UpdateSuccess>(reply).Reached);
    }

    [Fact]
    public async Task Delete_is_permanent_and_answers_later_requests_with_DataDeleted()
    {
        await using var cluster = ReplicaCluster.Start(3, ReplicaCluster.FastSettings);
        await cluster[0].Update(PoolKey, Pool.Empty, new WriteAll(Timeout), p => p.SetItem(cluster[0].Id, "a", "1"));

        var deleted = await cluster[1].Ask(new Delete(PoolKey, new WriteMajority(Timeout)));
        Assert.Equal(ConsistencyReached.Majority, Assert.IsType<DeleteSuccess>(deleted).Reached);

        foreach (var node in cluster.Nodes)
        {
            await ReplicaCluster.Eventually(async () => await node.Ask(new Get(PoolKey, ReadLocal.Instance)) is DataDeleted,
                $"{node.Id} knows the key is deleted");
        }

        Assert.IsType<DataDeleted>(await cluster[2].Update(PoolKey, Pool.Empty, WriteLocal.Instance, p => p.SetItem(cluster[2].Id, "b", "2")));
        Assert.IsType<DataDeleted>(await cluster[2].Ask(new Delete(PoolKey, WriteLocal.Instance)));
    }
}
