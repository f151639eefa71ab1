using ClusterLb.Actors;
using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Replication;
using Google.Protobuf;
using Wire = ClusterLb.DistributedData.Replication.Proto;
using Pool = ClusterLb.DistributedData.Crdt.LWWMap<string, string>;

namespace ClusterLb.DistributedData.Tests.Replication;

public class BadInputTests
{
    private static readonly Key<Pool> PoolKey = new("pool-web");

    [Fact]
    public async Task A_throwing_modify_gives_ModifyFailure_and_changes_nothing()
    {
        await using var cluster = ReplicaCluster.Start(1);
        var reply = await cluster[0].Update(PoolKey, Pool.Empty, WriteLocal.Instance, _ => throw new InvalidOperationException("bad host spec"));

        var failure = Assert.IsType<ModifyFailure>(reply);
        Assert.Contains("bad host spec", failure.ErrorMessage);
        Assert.IsType<NotFound>(await cluster[0].Ask(new Get(PoolKey, ReadLocal.Instance)));
    }

    [Fact]
    public async Task A_modify_returning_another_type_gives_ModifyFailure()
    {
        await using var cluster = ReplicaCluster.Start(1);
        var reply = await cluster[0].Ask(new Update(PoolKey, Pool.Empty, WriteLocal.Instance, _ => GCounter.Empty));

        Assert.Contains("GCounter", Assert.IsType<ModifyFailure>(reply).ErrorMessage);
        Assert.IsType<NotFound>(await cluster[0].Ask(new Get(PoolKey, ReadLocal.Instance)));
    }

    [Fact]
    public async Task Malformed_peer_messages_are_logged_and_dropped_and_the_replicator_keeps_working()
    {
        await using var cluster = ReplicaCluster.Start(1);
        var replicator = cluster[0].Replicator;
        var origin = new Wire.ReplicaRef { Address = "clusterlb@127.0.0.1:9", Uid = 9 };
        var garbage = new Wire.DeltaPropagation { From = origin };
        garbage.Entries.Add(new Wire.DeltaEntry { Key = "pool-web", Seq = 1, Delta = ByteString.CopyFromUtf8("not protobuf") });
        replicator.Tell(garbage);
        replicator.Tell(new Wire.Gossip { Entries = { new Wire.GossipEntry { Key = "pool-web", Envelope = new Wire.DataEnvelope() } } });
        var write = await replicator.Ask<Wire.WriteNack>(new Wire.Write { Key = "pool-web" }, ReplicaCluster.AskTimeout);

        Assert.Contains("envelope", write.Reason);
        await ReplicaCluster.Eventually(() => Task.FromResult(cluster.Logs.Entries.Count(e => e.Id.Id == 6002) >= 3), "three drops logged");
        Assert.IsType<NotFound>(await cluster[0].Ask(new Get(PoolKey, ReadLocal.Instance)));
        Assert.IsType<UpdateSuccess>(await cluster[0].Update(PoolKey, Pool.Empty, WriteLocal.Instance, p => p.SetItem(cluster[0].Id, "a", "1")));
    }

    [Fact]
    public async Task Data_of_a_different_type_under_the_same_key_is_refused_by_the_receiver()
    {
        await using var cluster = ReplicaCluster.Start(1);
        await cluster[0].Update(PoolKey, Pool.Empty, WriteLocal.Instance, p => p.SetItem(cluster[0].Id, "a", "1"));
        var other = new ReplicaId("clusterlb@127.0.0.1:9", 9);
        var envelope = new Wire.DataEnvelope
        {
            Data = ByteString.CopyFrom(ClusterLb.DistributedData.Crdt.Serialization.ReplicatedDataSerializer.Serialize(GCounter.Empty.Increment(other))),
        };

        var nack = await cluster[0].Replicator.Ask<Wire.WriteNack>(new Wire.Write { Key = PoolKey.Id, Envelope = envelope }, ReplicaCluster.AskTimeout);

        Assert.Contains("GCounter", nack.Reason);
        Assert.Equal("1", (await cluster[0].GetLocal(PoolKey))!.Entries["a"]);
    }

    [Fact]
    public void A_key_needs_an_id()
    {
        var e = Assert.Throws<ArgumentException>(() => new Key<Pool>(""));
        Assert.Contains("non-empty id", e.Message);
    }

    [Fact]
    public void Props_refuse_durable_keys_without_a_store()
    {
        var settings = new ReplicatorSettings { DurableKeys = ["pool-*"] };
        var e = Assert.Throws<ArgumentException>(() => Replicator.Props(new ReplicaId("a", 1), settings));
        Assert.Contains("durable store", e.Message);
    }
}
