using static ClusterLb.Cluster.Tests.TestNodes;

namespace ClusterLb.Cluster.Tests.Gossip;

public class ReachabilityTests
{
    private static readonly UniqueAddress A = Node("a"), B = Node("b"), C = Node("c"), D = Node("d");

    [Fact]
    public void One_observer_makes_a_node_unreachable_and_all_must_agree_to_make_it_reachable()
    {
        var r = Reachability.Empty.Unreachable(A, C).Unreachable(B, C);
        Assert.Equal(ReachabilityStatus.Unreachable, r.Status(C));
        Assert.False(r.IsReachable(C));
        r = r.Reachable(A, C);
        Assert.False(r.IsReachable(C));
        r = r.Reachable(B, C);
        Assert.True(r.IsReachable(C));
        Assert.True(r.IsAllReachable);
    }

    [Fact]
    public void Terminated_wins_the_aggregate_and_is_sticky()
    {
        var r = Reachability.Empty.Unreachable(A, C).Terminated(B, C);
        Assert.Equal(ReachabilityStatus.Terminated, r.Status(C));
        Assert.Same(r, r.Reachable(B, C));
        Assert.Equal(ReachabilityStatus.Terminated, r.Status(B, C));
        Assert.Contains(C, r.AllUnreachableOrTerminated);
        Assert.DoesNotContain(C, r.AllUnreachable);
    }

    [Fact]
    public void Rows_of_an_all_reachable_observer_are_dropped_but_its_version_advances()
    {
        var r = Reachability.Empty.Unreachable(A, B).Unreachable(A, C).Reachable(A, B).Reachable(A, C);
        Assert.Empty(r.Records);
        Assert.Equal(4, r.Versions[A]);
        Assert.Same(Reachability.Empty, Reachability.Empty.Reachable(A, B));
    }

    [Fact]
    public void Merge_takes_per_observer_the_higher_version()
    {
        var r1 = Reachability.Empty.Unreachable(A, C);                         // A v1
        var r2 = Reachability.Empty.Unreachable(A, C).Reachable(A, C).Unreachable(B, D); // A v2 (all reachable), B v1
        var allowed = new HashSet<UniqueAddress> { A, B, C, D };
        var m = r1.Merge(allowed, r2);
        Assert.True(m.IsReachable(C));           // A's newer row (none) wins
        Assert.False(m.IsReachable(D));
        Assert.Equal(2, m.Versions[A]);
        var m2 = r2.Merge(allowed, r1);
        Assert.Equal(m.Status(C), m2.Status(C));
        Assert.Equal(m.Status(D), m2.Status(D));
    }

    [Fact]
    public void Merge_drops_rows_of_nodes_that_are_no_longer_members()
    {
        var r = Reachability.Empty.Unreachable(A, C).Unreachable(D, B);
        var m = r.Merge(new HashSet<UniqueAddress> { A, B }, Reachability.Empty);
        Assert.Empty(m.Records);
    }

    [Fact]
    public void Remove_and_RemoveObservers_filter_rows()
    {
        var r = Reachability.Empty.Unreachable(A, C).Unreachable(B, A).Unreachable(D, B);
        Assert.Single(r.Remove([A]).Records);
        var withoutD = r.RemoveObservers([D]);
        Assert.True(withoutD.IsReachable(B));
        Assert.False(withoutD.Versions.ContainsKey(D));
    }

    [Fact]
    public void Observers_grouped_by_unreachable()
    {
        var r = Reachability.Empty.Unreachable(A, C).Unreachable(B, C).Unreachable(A, D);
        var g = r.ObserversGroupedByUnreachable;
        Assert.Equal([A, B], g[C].OrderBy(x => x));
        Assert.Equal([A], g[D]);
        Assert.Equal([C, D], r.AllUnreachableFrom(A).OrderBy(x => x));
        Assert.Equal([A, B], r.AllObservers.OrderBy(x => x));
    }
}
