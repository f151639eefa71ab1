using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Replication;
using Pool = ClusterLb.DistributedData.Crdt.LWWMap<string, string>;

namespace ClusterLb.DistributedData.Tests.Replication;

public class PropagationTests
{
    private static readonly Key<Pool> PoolKey = new("pool-web");

    [Fact]
    public async Task An_update_on_one_replica_reaches_every_replica_through_deltas_alone()
    {
        // Anti-entropy practically off: only the delta stream can carry the update.
        var settings = ReplicaCluster.FastSettings with { GossipInterval = TimeSpan.FromHours(1) };
        await using var cluster = ReplicaCluster.Start(3, settings);

        var reply = await cluster[0].Update(PoolKey, Pool.Empty, WriteLocal.Instance,
            pool => pool.SetItem(cluster[0].Id, "host-1", "10.0.0.5:80"));
        Assert.Equal(ConsistencyReached.Local, Assert.IsType<UpdateSuccess>(reply).Reached);

        foreach (var node in cluster.Nodes)
        {
            await ReplicaCluster.Eventually(async () =>
                (await node.GetLocal(PoolKey))?.TryGetValue("host-1", out var v) == true && v == "10.0.0.5:80",
                $"{node.Id} sees host-1");
        }

        Assert.Empty(cluster.Network.Violations);
    }

    [Fact]
    public async Task Many_updates_from_several_origins_arrive_in_order_and_converge()
    {
        var settings = ReplicaCluster.FastSettings with { GossipInterval = TimeSpan.FromHours(1) };
        await using var cluster = ReplicaCluster.Start(3, settings);

        var writes = new List<Task<object>>();
        for (var i = 0; i < 30; i++)
        {
            var node = cluster[i % 3];
            var host = $"host-{i}";
            writes.Add(node.Update(PoolKey, Pool.Empty, WriteLocal.Instance, pool => pool.SetItem(node.Id, host, "spec")));
        }

        foreach (var write in writes)
        {
            Assert.IsType<UpdateSuccess>(await write);
        }

        foreach (var node in cluster.Nodes)
        {
            await ReplicaCluster.Eventually(async () => (await node.GetLocal(PoolKey))?.Count == 30, $"{node.Id} holds 30 hosts");
        }

        var first = await cluster[0].GetLocal(PoolKey);
        Assert.Equal(first, await cluster[1].GetLocal(PoolKey));
        Assert.Equal(first, await cluster[2].GetLocal(PoolKey));
    }

    [Fact]
    public async Task A_register_without_deltas_still_travels_promptly_as_full_state()
    {
        var settings = ReplicaCluster.FastSettings with { GossipInterval = TimeSpan.FromHours(1) };
        await using var cluster = ReplicaCluster.Start(2, settings);
        var key = new Key<LWWRegister<string>>("route-table");

        await cluster[0].Update(key, new LWWRegister<string>(cluster[0].Id, ""), WriteLocal.Instance,
            r => r.WithValue(cluster[0].Id, "/api -> pool-web"));

        await ReplicaCluster.Eventually(async () => (await cluster[1].GetLocal(key))?.Value == "/api -> pool-web", "the register arrives");
    }

    [Fact]
    public async Task A_replica_that_missed_deltas_catches_up_through_anti_entropy()
    {
        await using var cluster = ReplicaCluster.Start(3);
        cluster.Network.Partition([cluster[2].Id], [cluster[0].Id, cluster[1].Id]);

        for (var i = 0; i < 20; i++)
        {
            var host = $"host-{i}";
            Assert.IsType<UpdateSuccess>(await cluster[0].Update(PoolKey, Pool.Empty, WriteLocal.Instance,
                pool => pool.SetItem(cluster[0].Id, host, "spec")));
        }

        await ReplicaCluster.Eventually(async () => (await cluster[1].GetLocal(PoolKey))?.Count == 20, "node 1 got the deltas");
        Assert.Null(await cluster[2].GetLocal(PoolKey));

        // No further updates: only anti-entropy gossip can bring node 2 the state whose deltas it missed.
        cluster.Network.Heal();
        await ReplicaCluster.Eventually(async () => (await cluster[2].GetLocal(PoolKey))?.Count == 20, "node 2 caught up");

        // And its delta sequence is in step again: the next update arrives as a delta.
        await cluster[0].Update(PoolKey, Pool.Empty, WriteLocal.Instance, pool => pool.SetItem(cluster[0].Id, "host-20", "spec"));
        await ReplicaCluster.Eventually(async () => (await cluster[2].GetLocal(PoolKey))?.Count == 21, "node 2 takes the next delta");
    }

    [Fact]
    public async Task A_delta_after_a_gap_is_dropped_and_the_full_state_is_fetched()
    {
        // Anti-entropy off: only gap detection (DeltaNack, then full state) can repair node 1.
        var settings = ReplicaCluster.FastSettings with { GossipInterval = TimeSpan.FromHours(1) };
        await using var cluster = ReplicaCluster.Start(2, settings);
        cluster.Network.Cut(cluster[0].Id, cluster[1].Id);
        await cluster[0].Update(PoolKey, Pool.Empty, WriteLocal.Instance, pool => pool.SetItem(cluster[0].Id, "missed", "spec"));
        await ReplicaCluster.Eventually(() => Task.FromResult(cluster.Network.Dropped > 0), "the first delta was lost on the cut link");

        cluster.Network.Heal();
        await cluster[0].Update(PoolKey, Pool.Empty, WriteLocal.Instance, pool => pool.SetItem(cluster[0].Id, "after", "spec"));

        await ReplicaCluster.Eventually(async () =>
            (await cluster[1].GetLocal(PoolKey)) is { } pool && pool.TryGetValue("missed", out _) && pool.TryGetValue("after", out _),
            "node 1 holds both the missed and the later host");
        Assert.Contains(cluster.Logs.Entries, e => e.Id.Id == 6003);
    }
}
