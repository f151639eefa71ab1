using ClusterLb.DistributedData.Crdt;
using static ClusterLb.DistributedData.Tests.Crdt.Nodes;

namespace ClusterLb.DistributedData.Tests.Crdt;

public class MapTests
{
    private static LwwClock<string> At(long timestamp) => LwwClocks.Fixed<string>(timestamp);

    [Fact]
    public void ORMap_concurrent_put_and_remove_keeps_the_key_with_the_put_value()
    {
        var shared = LWWMap<string, string>.Empty.SetItem(A, "host-1", "10.0.0.5:80 w=1", At(10));
        var removedOnA = shared.Remove(A, "host-1");
        var updatedOnB = shared.SetItem(B, "host-1", "10.0.0.5:80 w=5", At(20));

        var healed = removedOnA.Merge(updatedOnB);

        Assert.True(healed.TryGetValue("host-1", out var value));
        Assert.Equal("10.0.0.5:80 w=5", value);
        Assert.Equal(healed, updatedOnB.Merge(removedOnA));
    }

    [Fact]
    public void ORMap_remove_after_seeing_the_put_removes_the_key_everywhere()
    {
        var a = LWWMap<string, string>.Empty.SetItem(A, "host-1", "x", At(10));
        var b = LWWMap<string, string>.Empty.Merge(a);
        var removedOnB = b.Remove(B, "host-1");

        Assert.False(a.Merge(removedOnB).TryGetValue("host-1", out _));
        Assert.False(a.MergeDelta(removedOnB.Delta!).TryGetValue("host-1", out _));
    }

    [Fact]
    public void LWWMap_concurrent_writes_of_one_key_end_with_the_later_write()
    {
        var shared = LWWMap<string, string>.Empty.SetItem(A, "pool.method", "round-robin", At(10));
        var onA = shared.SetItem(A, "pool.method", "least-conn", At(30));
        var onB = shared.SetItem(B, "pool.method", "ip-hash", At(20));

        Assert.Equal("least-conn", onA.Merge(onB).Entries["pool.method"]);
        Assert.Equal("least-conn", onB.Merge(onA).Entries["pool.method"]);
    }

    [Fact]
    public void LWWMap_rewriting_a_removed_key_shows_the_new_value_even_if_the_tombstone_is_from_the_future()
    {
        var future = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds();
        var map = LWWMap<string, string>.Empty.SetItem(B, "k", "old", LwwClocks.Fixed<string>(future)).Remove(A, "k");

        var rewritten = map.SetItem(A, "k", "new");

        Assert.Equal("new", rewritten.Entries["k"]);
        Assert.Equal("new", map.Merge(rewritten).Entries["k"]);
    }

    [Fact]
    public void PNCounterMap_concurrent_increments_of_one_key_all_count()
    {
        var a = PNCounterMap<string>.Empty.Increment(A, "requests", 3);
        var b = PNCounterMap<string>.Empty.Increment(B, "requests", 4).Decrement(B, "errors", 2);

        var merged = a.Merge(b);

        Assert.Equal(7, merged.Entries["requests"]);
        Assert.Equal(-2, merged.Entries["errors"]);
        Assert.Equal(merged, PNCounterMap<string>.Empty.MergeDelta(a.Delta!).MergeDelta(b.Delta!));
    }

    [Fact]
    public void PNCounterMap_remove_concurrent_with_an_increment_keeps_the_counter()
    {
        var shared = PNCounterMap<string>.Empty.Increment(A, "requests", 5);
        var removedOnA = shared.Remove(A, "requests");
        var incrementedOnB = shared.Increment(B, "requests", 1);

        var healed = removedOnA.Merge(incrementedOnB);

        // The key survives (add-wins) and, since a remove keeps the value as a tombstone, shows the whole count.
        Assert.Equal(6, healed.Entries["requests"]);
        Assert.Equal(healed, incrementedOnB.Merge(removedOnA));
    }

    [Fact]
    public void ORMap_update_merges_nested_data()
    {
        var a = ORMap<string, ORSet<string>>.Empty.AddOrUpdate(A, "pool-1", ORSet<string>.Empty, s => s.Add(A, "host-1"));
        var b = ORMap<string, ORSet<string>>.Empty.AddOrUpdate(B, "pool-1", ORSet<string>.Empty, s => s.Add(B, "host-2"));

        var merged = a.Merge(b);

        Assert.Equal(["host-1", "host-2"], merged.Entries["pool-1"].Elements.Order());
        Assert.Null(merged.Entries["pool-1"].Delta);
    }

    [Fact]
    public void ORMap_create_rejects_a_key_without_a_value()
    {
        var keys = ORSet<string>.Empty.Add(A, "k");
        var error = Assert.Throws<ArgumentException>(() => ORMap<string, GCounter>.Create(keys, []));
        Assert.Contains("'k'", error.Message);
    }

    /// <summary>
    /// The scenario docs/distributed-data.md describes: two admins edit the same pool on the two sides of a
    /// partition; after the partition heals every node shows the same pool, by the rules above.
    /// </summary>
    [Fact]
    public void Concurrent_admin_edits_on_both_sides_of_a_partition_converge_by_the_documented_rules()
    {
        var pool = LWWMap<string, string>.Empty
            .SetItem(A, "host-1", "10.0.0.11:80 weight=1", At(100))
            .SetItem(A, "host-2", "10.0.0.12:80 weight=1", At(100))
            .SetItem(A, "host-3", "10.0.0.13:80 weight=1", At(100));
        var side1 = pool; // nodes 1 and 2
        var side2 = LWWMap<string, string>.Empty.Merge(pool); // node 3

        // Partition. Admin on side 1:
        side1 = side1.SetItem(A, "host-1", "10.0.0.11:80 weight=5", At(200));
        side1 = side1.Remove(A, "host-2");
        side1 = side1.SetItem(A, "host-4", "10.0.0.14:80 weight=1", At(210));
        side1 = side1.SetItem(A, "host-5", "10.0.0.15:80 weight=1", At(220));
        // Admin on side 2, later by the clock:
        side2 = side2.SetItem(C, "host-1", "10.0.0.11:80 weight=2", At(300));
        side2 = side2.SetItem(C, "host-2", "10.0.0.12:80 weight=3", At(310));
        side2 = side2.Remove(C, "host-3");
        side2 = side2.SetItem(C, "host-5", "10.0.0.15:80 weight=4", At(320));

        var healed1 = side1.Merge(side2);
        var healed2 = side2.Merge(side1);

        Assert.Equal(healed1, healed2);
        var hosts = healed1.Entries;
        Assert.Equal("10.0.0.11:80 weight=2", hosts["host-1"]); // both edited: the later timestamp wins
        Assert.Equal("10.0.0.12:80 weight=3", hosts["host-2"]); // removed on 1, edited on 2: the edit wins
        Assert.False(hosts.ContainsKey("host-3"));                 // removed on 2, untouched on 1: removed
        Assert.Equal("10.0.0.14:80 weight=1", hosts["host-4"]); // added on 1: added
        Assert.Equal("10.0.0.15:80 weight=4", hosts["host-5"]); // added on both: the later write wins
        Assert.Equal(5 - 1, hosts.Count);
    }
}
