using static ClusterLb.Cluster.Tests.TestNodes;

namespace ClusterLb.Cluster.Tests.Gossip;

public class GossipTargetSelectorTests
{
    private static readonly UniqueAddress A = Node("a"), B = Node("b"), C = Node("c"), D = Node("d");

    private static MembershipState State(Func<global::ClusterLb.Cluster.Gossip, global::ClusterLb.Cluster.Gossip> f) =>
        new(f(global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Up, 2), M("c", MemberStatus.Up, 3), M("d", MemberStatus.Up, 4)])), A);

    [Fact]
    public void Prefers_nodes_that_have_not_seen_our_version()
    {
        var s = State(g => g.Seen(A).Seen(B).Seen(C));
        var picks = Enumerable.Range(0, 1000).Select(i => GossipTargetSelector.Select(s, new Random(i))!).ToList();
        var toD = picks.Count(p => p.Node.Equals(D));
        // 0.8 preferred + 0.2 * 1/3 random = ~0.87
        Assert.InRange(toD, 800, 940);
        Assert.All(picks.Where(p => p.Node.Equals(D)), p => Assert.True(p.SendFullGossip));
        Assert.All(picks.Where(p => !p.Node.Equals(D)), p => Assert.False(p.SendFullGossip));
    }

    [Fact]
    public void Never_picks_self_or_an_unreachable_node()
    {
        var s = State(g => g.WithReachability(Reachability.Empty.Unreachable(A, C)));
        for (var i = 0; i < 200; i++)
        {
            var t = GossipTargetSelector.Select(s, new Random(i))!;
            Assert.NotEqual(A, t.Node);
            Assert.NotEqual(C, t.Node);
        }
    }

    [Fact]
    public void Single_member_or_nobody_reachable_means_no_target()
    {
        Assert.Null(GossipTargetSelector.Select(new MembershipState(global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1)]), A), new Random(1)));
        var s = State(g => g.WithReachability(Reachability.Empty.Unreachable(A, B).Unreachable(A, C).Unreachable(A, D)));
        Assert.Null(GossipTargetSelector.Select(s, new Random(1)));
    }

    [Fact]
    public void Same_seed_same_choice() =>
        Assert.Equal(GossipTargetSelector.Select(State(g => g), new Random(5)), GossipTargetSelector.Select(State(g => g), new Random(5)));

    [Theory]
    [InlineData(10, 0.8)]
    [InlineData(400, 0.8)]
    [InlineData(800, 0.44)]
    [InlineData(1200, 0.08)]
    [InlineData(5000, 0.08)]
    public void Different_view_probability_decays_for_large_clusters(int members, double expected) =>
        Assert.Equal(expected, GossipTargetSelector.AdjustedProbability(members, 0.8, 400), 3);
}
