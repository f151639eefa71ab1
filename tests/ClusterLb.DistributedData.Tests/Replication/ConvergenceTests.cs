using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Replication;
using Pool = ClusterLb.DistributedData.Crdt.LWWMap<string, string>;

namespace ClusterLb.DistributedData.Tests.Replication;

public class ConvergenceTests
{
    private static readonly Key<Pool> PoolKey = new("pool-web");

    private static LwwClock<string> At(long timestamp) => LwwClocks.Fixed<string>(timestamp);

    [Fact]
    public async Task Conflicting_edits_on_both_sides_of_a_partition_converge_after_healing()
    {
        await using var cluster = ReplicaCluster.Start(5);
        var initial = await cluster[0].Update(PoolKey, Pool.Empty, new WriteAll(TimeSpan.FromSeconds(5)), pool => pool
            .SetItem(cluster[0].Id, "host-1", "w=1", At(10))
            .SetItem(cluster[0].Id, "host-2", "w=1", At(10))
            .SetItem(cluster[0].Id, "host-3", "w=1", At(10)));
        Assert.IsType<UpdateSuccess>(initial);

        var side1 = new[] { cluster[0], cluster[1] };
        var side2 = new[] { cluster[2], cluster[3], cluster[4] };
        cluster.Network.Partition(side1.Select(n => n.Id), side2.Select(n => n.Id));

        // Timestamps are fixed so "later" does not depend on the test machine's clock resolution.
        var a = cluster[0].Id;
        Assert.IsType<UpdateTimeout>(await cluster[0].Update(PoolKey, Pool.Empty, new WriteMajority(TimeSpan.FromMilliseconds(300)), pool => pool
            .SetItem(a, "host-1", "w=5", At(20))
            .Remove(a, "host-2")
            .SetItem(a, "host-4", "w=1", At(20))));
        var b = cluster[3].Id;
        Assert.IsType<UpdateSuccess>(await cluster[3].Update(PoolKey, Pool.Empty, new WriteMajority(TimeSpan.FromSeconds(5)), pool => pool
            .SetItem(b, "host-1", "w=2", At(30))
            .SetItem(b, "host-2", "w=3", At(30))
            .Remove(b, "host-3")));

        cluster.Network.Heal();

        var expected = new Dictionary<string, string> { ["host-1"] = "w=2", ["host-2"] = "w=3", ["host-4"] = "w=1" };
        foreach (var node in cluster.Nodes)
        {
            await ReplicaCluster.Eventually(async () =>
                await node.GetLocal(PoolKey) is { } pool && pool.Entries.Count == expected.Count
                && expected.All(e => pool.Entries.TryGetValue(e.Key, out var v) && v == e.Value),
                $"{node.Id} holds the documented merge result");
        }

        var reference = await cluster[0].GetLocal(PoolKey);
        foreach (var node in cluster.Nodes)
        {
            Assert.Equal(reference, await node.GetLocal(PoolKey));
        }
    }

    [Fact]
    public async Task A_removed_replicas_slots_are_pruned_without_changing_the_value()
    {
        var counterKey = new Key<GCounter>("requests");
        var setKey = new Key<ORSet<string>>("tags");
        await using var cluster = ReplicaCluster.Start(3);
        for (var i = 0; i < 3; i++)
        {
            var node = cluster[i];
            await node.Update(counterKey, GCounter.Empty, WriteLocal.Instance, c => c.Increment(node.Id, (ulong)(i + 1)));
            await node.Update(setKey, ORSet<string>.Empty, WriteLocal.Instance, s => s.Add(node.Id, $"tag-{node.Id.Address}"));
        }

        foreach (var node in cluster.Nodes)
        {
            await ReplicaCluster.Eventually(async () =>
                (await node.GetLocal(counterKey))?.Value == 6 && (await node.GetLocal(setKey))?.Count == 3, $"{node.Id} saw every write");
        }

        var removed = cluster[2];
        await removed.System.Terminate();
        cluster[0].Replicator.Tell(new ReplicaRemoved(removed.Id));
        cluster[1].Replicator.Tell(new ReplicaRemoved(removed.Id));

        foreach (var node in cluster.Nodes.Take(2))
        {
            await ReplicaCluster.Eventually(async () =>
                await node.GetLocal(counterKey) is { } counter && !counter.NeedPruningFrom(removed.Id)
                && await node.GetLocal(setKey) is { } set && !set.NeedPruningFrom(removed.Id),
                $"{node.Id} no longer holds slots of the removed replica");
            Assert.Equal(6UL, (await node.GetLocal(counterKey))!.Value);
            Assert.Contains($"tag-{removed.Id.Address}", (await node.GetLocal(setKey))!.Elements);
        }

        Assert.Contains(cluster.Logs.Entries, e => e.Id.Id == 6004 && e.Message.Contains("performed"));
    }

    [Fact]
    public async Task Pruning_completes_even_when_the_leader_that_started_it_is_removed()
    {
        var counterKey = new Key<GCounter>("requests");
        await using var cluster = ReplicaCluster.Start(4);
        foreach (var node in cluster.Nodes)
        {
            await node.Update(counterKey, GCounter.Empty, WriteLocal.Instance, c => c.Increment(node.Id));
        }

        foreach (var node in cluster.Nodes)
        {
            await ReplicaCluster.Eventually(async () => (await node.GetLocal(counterKey))?.Value == 4, $"{node.Id} saw every increment");
        }

        // Node 2 is cut off (but not reported unreachable), so leader 0 can start pruning node 3 but never finish it.
        var (leader, removed) = (cluster[0], cluster[3]);
        cluster.Network.Partition([cluster[2].Id], [leader.Id, cluster[1].Id]);
        await removed.System.Terminate();
        foreach (var node in cluster.Nodes.Take(3))
        {
            node.Replicator.Tell(new ReplicaRemoved(removed.Id));
        }

        await ReplicaCluster.Eventually(() => Task.FromResult(cluster.Logs.Entries.Any(e => e.Id.Id == 6004 && e.Message.Contains("initialized"))),
            "the first leader started pruning");
        await leader.System.Terminate();
        cluster[1].Replicator.Tell(new ReplicaRemoved(leader.Id));
        cluster[2].Replicator.Tell(new ReplicaRemoved(leader.Id));
        cluster.Network.Heal();

        foreach (var node in new[] { cluster[1], cluster[2] })
        {
            await ReplicaCluster.Eventually(async () =>
                await node.GetLocal(counterKey) is { } counter && !counter.NeedPruningFrom(removed.Id) && !counter.NeedPruningFrom(leader.Id),
                $"{node.Id} pruned both removed replicas");
            Assert.Equal(4UL, (await node.GetLocal(counterKey))!.Value);
        }
    }

    [Fact]
    public async Task Subscribers_get_batched_Changed_notifications_and_Deleted()
    {
        await using var cluster = ReplicaCluster.Start(2);
        var (probe, inbox) = ProbeActor.Create(cluster[1].System, "subscriber");
        cluster[1].Replicator.Tell(new Subscribe(PoolKey, probe));

        await cluster[0].Update(PoolKey, Pool.Empty, WriteLocal.Instance, p => p.SetItem(cluster[0].Id, "host-1", "spec"));
        var changed = await ProbeActor.Expect<Changed>(inbox, c => c.Get(PoolKey).Entries.ContainsKey("host-1"), "host-1 added on node 0");
        Assert.Equal(PoolKey, changed.Key);

        // A late subscriber gets the current value without waiting for a change.
        var (late, lateInbox) = ProbeActor.Create(cluster[1].System, "late-subscriber");
        cluster[1].Replicator.Tell(new Subscribe(PoolKey, late));
        await ProbeActor.Expect<Changed>(lateInbox, c => c.Get(PoolKey).Count == 1, "current value for a new subscriber");

        await cluster[0].Ask(new Delete(PoolKey, WriteLocal.Instance));
        await ProbeActor.Expect<Deleted>(inbox, d => d.Key.Equals(PoolKey), "the key was deleted");
    }
}
