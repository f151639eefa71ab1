using static ClusterLb.Cluster.Tests.TestNodes;

namespace ClusterLb.Cluster.Tests.Gossip;

public class GossipTests
{
    private static readonly UniqueAddress A = Node("a"), B = Node("b"), C = Node("c");

    [Fact]
    public void Merge_keeps_the_highest_priority_status_unions_members_and_clears_seen()
    {
        var g1 = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Up, 2)]).Increment(A).Seen(A);
        var g2 = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Leaving, 2), M("c", MemberStatus.Joining)]).Increment(B).Seen(B);
        var merged = g1.Merge(g2);
        Assert.Equal(3, merged.Members.Count);
        Assert.Equal(MemberStatus.Leaving, merged.GetMember(B)!.Status);
        Assert.Empty(merged.SeenBy);
        Assert.Equal(VectorClockOrdering.After, merged.Version.CompareTo(g1.Version));
        Assert.Equal(VectorClockOrdering.After, merged.Version.CompareTo(g2.Version));
    }

    [Fact]
    public void Merge_is_commutative_in_members()
    {
        var g1 = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Joining)]).Increment(A);
        var g2 = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Leaving, 1), M("c", MemberStatus.Joining)]).Increment(C);
        var x = g1.Merge(g2);
        var y = g2.Merge(g1);
        Assert.Equal(x.Members.Select(m => (m.UniqueAddress, m.Status)), y.Members.Select(m => (m.UniqueAddress, m.Status)));
    }

    [Fact]
    public void Tombstone_prevents_an_old_concurrent_gossip_from_resurrecting_a_removed_member()
    {
        var before = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Up, 2), M("c", MemberStatus.Up, 3)]).Increment(A);
        var stale = before.Increment(B);               // B's concurrent view, still listing C as Up
        var removed = before.Update([M("c", MemberStatus.Down, 3)]).Remove(C, 1000).Increment(A);
        Assert.True(removed.IsTombstoned(C));
        var merged = removed.Merge(stale);
        Assert.False(merged.HasMember(C));
        Assert.True(merged.IsTombstoned(C));
        Assert.False(merged.Version.Versions.ContainsKey(VectorClock.NodeName(C)));
        Assert.False(stale.Merge(removed).HasMember(C));
    }

    [Fact]
    public void Remove_drops_seen_reachability_and_clock_entry()
    {
        var g = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("c", MemberStatus.Down, 2)])
            .Increment(C).Seen(C).Seen(A)
            .WithReachability(Reachability.Empty.Unreachable(A, C));
        var r = g.Remove(C, 5);
        Assert.False(r.HasMember(C));
        Assert.False(r.SeenByNode(C));
        Assert.True(r.Overview.Reachability.IsAllReachable);
        Assert.Empty(r.Version.Versions);
        Assert.Equal(5, r.Tombstones[C]);
    }

    [Fact]
    public void One_sided_down_member_is_dropped_by_merge_because_the_other_side_removed_it()
    {
        var g1 = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("c", MemberStatus.Down, 2)]).Increment(A);
        var g2 = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1)]).Increment(B);
        Assert.False(g1.Merge(g2).HasMember(C));
    }

    [Fact]
    public void Tombstones_are_pruned_after_retention()
    {
        var g = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Down, 2), M("c", MemberStatus.Down, 3)])
            .Remove(B, 100).Remove(C, 200);
        var p = g.PruneTombstones(150);
        Assert.False(p.IsTombstoned(B));
        Assert.True(p.IsTombstoned(C));
        Assert.Same(p, p.PruneTombstones(150));
    }

    [Fact]
    public void Same_version_merges_seen_sets()
    {
        var g = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Up, 2)]).Increment(A);
        var merged = g.OnlySeen(A).MergeSeen(g.OnlySeen(B));
        Assert.True(merged.SeenByNode(A) && merged.SeenByNode(B));
    }

    [Fact]
    public void Member_lookup_by_address_finds_any_incarnation()
    {
        var g = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1, uid: 9)]);
        Assert.Equal(9, g.MemberAt(Addr("a"))!.UniqueAddress.Uid);
        Assert.Null(g.GetMember(Node("a", uid: 1)));
        Assert.Null(g.MemberAt(Addr("z")));
    }
}
