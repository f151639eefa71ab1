using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Replication;
using Pool = ClusterLb.DistributedData.Crdt.LWWMap<string, string>;

namespace ClusterLb.DistributedData.Tests.Replication;

public class ChunkingTests
{
    [Fact]
    public async Task A_new_replica_receives_10000_entries_across_500_keys_without_an_oversized_message()
    {
        var settings = ReplicaCluster.FastSettings; // default 100,000-byte message limit and 500 elements
        Assert.Equal(new ReplicatorSettings().MaxMessageSize, settings.MaxMessageSize);
        await using var cluster = ReplicaCluster.Start(2, settings, join: false);
        var writer = cluster[0];
        var keys = Enumerable.Range(0, 500).Select(i => new Key<Pool>($"pool-{i:D3}")).ToList();
        var writes = keys.Select(key => writer.Update(key, Pool.Empty, WriteLocal.Instance, pool =>
        {
            for (var h = 0; h < 20; h++)
            {
                pool = pool.SetItem(writer.Id, $"host-{h:D2}", $"{{\"address\":\"10.1.{h}.7:8080\",\"weight\":1,\"state\":\"up\"}}");
            }

            return pool;
        })).ToList();
        foreach (var write in writes)
        {
            Assert.IsType<UpdateSuccess>(await write);
        }

        cluster.JoinAll(); // the new replica learns everything through anti-entropy
        var reader = cluster[1];
        await ReplicaCluster.Eventually(async () => await reader.GetLocal(keys[^1]) is { Count: 20 } && await reader.GetLocal(keys[0]) is { Count: 20 },
            "the new replica holds the first and last pools", TimeSpan.FromSeconds(60));
        await ReplicaCluster.Eventually(async () =>
        {
            var total = 0;
            foreach (var key in keys)
            {
                total += (await reader.GetLocal(key))?.Count ?? 0;
            }

            return total == 10_000;
        }, "the new replica holds all 10,000 entries", TimeSpan.FromSeconds(60));

        Assert.Empty(cluster.Network.Violations);
        Assert.InRange(cluster.Network.MaxMessageSize, 1, settings.MaxMessageSize);
        // About 0.97 MB per full copy of the data set: it can only have crossed in many messages under the limit.
        Assert.True(cluster.Network.Bytes > 5L * settings.MaxMessageSize, $"the data set needed many messages, measured {cluster.Network.Bytes} bytes");
        Assert.DoesNotContain(cluster.Logs.Entries, e => e.Id.Id == 6001);
    }

    [Fact]
    public async Task A_value_too_large_for_one_message_is_logged_and_never_sent()
    {
        var settings = ReplicaCluster.FastSettings with { MaxMessageSize = 4096 };
        await using var cluster = ReplicaCluster.Start(2, settings);
        var big = new Key<LWWRegister<string>>("too-big");
        var small = new Key<LWWRegister<string>>("small");

        var reply = await cluster[0].Update(big, new LWWRegister<string>(cluster[0].Id, ""), new WriteMajority(TimeSpan.FromSeconds(1)),
            r => r.WithValue(cluster[0].Id, new string('x', 10_000)));
        await cluster[0].Update(small, new LWWRegister<string>(cluster[0].Id, ""), WriteLocal.Instance, r => r.WithValue(cluster[0].Id, "ok"));

        Assert.IsType<UpdateTimeout>(reply);
        await ReplicaCluster.Eventually(async () => (await cluster[1].GetLocal(small))?.Value == "ok", "the small key still replicates");
        await ReplicaCluster.Eventually(() => Task.FromResult(
            cluster.Logs.Entries.Any(e => e.Id.Id == 6001 && e.Message.Contains("anti-entropy gossip") && e.Message.Contains("too-big"))),
            "anti-entropy logged the oversized key");
        Assert.Contains(cluster.Logs.Entries, e => e.Id.Id == 6001 && e.Message.Contains("direct write"));
        Assert.Contains(cluster.Logs.Entries, e => e.Id.Id == 6001 && e.Message.Contains("delta propagation"));
        Assert.InRange(cluster.Network.MaxMessageSize, 1, settings.MaxMessageSize);
        Assert.Null(await cluster[1].GetLocal(big));
    }
}
