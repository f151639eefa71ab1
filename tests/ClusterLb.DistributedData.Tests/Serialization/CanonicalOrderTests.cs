using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Crdt.Serialization;
using ClusterLb.DistributedData.Crdt.Serialization.Proto;
using static ClusterLb.DistributedData.Tests.Crdt.Nodes;

namespace ClusterLb.DistributedData.Tests.Serialization;

public class CanonicalOrderTests
{
    // Hash-ordered dictionaries iterate differently in every process; anti-entropy digests need equal bytes everywhere.
    [Fact]
    public void Map_and_set_entries_are_written_in_ordinal_key_order()
    {
        var keys = Enumerable.Range(0, 200).Select(i => $"host-{(i * 7919) % 1000:D4}").ToList();
        var map = keys.Aggregate(LWWMap<string, string>.Empty, (m, k) => m.SetItem(A, k, "spec")).Remove(A, keys[3]);
        var set = keys.Aggregate(ORSet<string>.Empty, (s, k) => s.Add(B, k));

        var mapBody = SerializedData.Parser.ParseFrom(ReplicatedDataSerializer.Serialize(map.Underlying)).Body.OrMap;
        var setBody = SerializedData.Parser.ParseFrom(ReplicatedDataSerializer.Serialize(set)).Body.OrSet;

        var mapKeys = mapBody.Entries.Select(e => e.Key.Text).ToList();
        Assert.Equal(mapKeys.Order(StringComparer.Ordinal), mapKeys);
        var setKeys = setBody.Entries.Select(e => e.Element.Text).ToList();
        Assert.Equal(setKeys.Order(StringComparer.Ordinal), setKeys);
        Assert.Equal(199, mapKeys.Count);
    }
}
