using ClusterLb.Cluster.Sbr;
using static ClusterLb.Cluster.Tests.Sbr.SbrTestViews;
using static ClusterLb.Cluster.Tests.TestNodes;

namespace ClusterLb.Cluster.Tests.Sbr;

public class OtherStrategiesTests
{
    [Fact]
    public void Static_quorum_keeps_a_side_with_quorum_and_downs_one_without()
    {
        var s = new StaticQuorum(3);
        Assert.Equal(SbrDecision.DownUnreachable, s.Decide(View("a", Five(), "d", "e")));
        Assert.Equal(SbrDecision.DownReachable, s.Decide(View("d", Five(), "a", "b", "c")));
    }

    [Fact]
    public void Static_quorum_downs_all_when_the_cluster_outgrew_two_quorums_minus_one()
    {
        var six = Five().Append(M("f", MemberStatus.Up, 6)).ToArray();
        var s = new StaticQuorum(3);
        Assert.True(s.IsTooManyMembers(View("a", six, "f")));
        Assert.Equal(SbrDecision.DownAll, s.Decide(View("a", six, "f")));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StaticQuorum(0));
    }

    [Fact]
    public void Keep_oldest_keeps_the_side_with_the_oldest()
    {
        var s = new KeepOldest(downIfAlone: true);
        Assert.Equal(SbrDecision.DownUnreachable, s.Decide(View("a", Five(), "c", "d")));
        Assert.Equal(SbrDecision.DownReachable, s.Decide(View("c", Five(), "a", "b")));
        // Age, not address, decides: make e the oldest.
        var members = new[] { M("a", MemberStatus.Up, 5), M("b", MemberStatus.Up, 2), M("c", MemberStatus.Up, 3), M("d", MemberStatus.Up, 4), M("e", MemberStatus.Up, 1) };
        Assert.Equal(SbrDecision.DownReachable, s.Decide(View("a", members, "d", "e")));
    }

    [Fact]
    public void Keep_oldest_down_if_alone_sacrifices_an_isolated_oldest()
    {
        var alone = View("a", Five(), "b", "c", "d", "e");
        Assert.Equal(SbrDecision.DownReachable, new KeepOldest(true).Decide(alone));
        Assert.Equal(SbrDecision.DownUnreachable, new KeepOldest(false).Decide(alone));
        var rest = View("b", Five(), "a");
        Assert.Equal(SbrDecision.DownUnreachable, new KeepOldest(true).Decide(rest));
        Assert.Equal(SbrDecision.DownReachable, new KeepOldest(false).Decide(rest));
    }

    [Fact]
    public void Keep_oldest_in_a_two_node_cluster_keeps_the_oldest_even_alone()
    {
        var two = Five().Take(2).ToArray();
        Assert.Equal(SbrDecision.DownUnreachable, new KeepOldest(true).Decide(View("a", two, "b")));
        Assert.Equal(SbrDecision.DownReachable, new KeepOldest(true).Decide(View("b", two, "a")));
    }

    [Fact]
    public void Down_all_downs_everyone()
    {
        var s = new DownAllNodes();
        var v = View("a", Five(), "e");
        Assert.Equal(SbrDecision.DownAll, s.Decide(v));
        Assert.Equal(5, s.NodesToDown(v, SbrDecision.DownAll).Count);
    }

    [Theory]
    [InlineData(DowningStrategyKind.KeepMajority, typeof(KeepMajority))]
    [InlineData(DowningStrategyKind.KeepOldest, typeof(KeepOldest))]
    [InlineData(DowningStrategyKind.DownAll, typeof(DownAllNodes))]
    public void Strategy_is_built_from_settings(DowningStrategyKind kind, Type expected) =>
        Assert.IsType(expected, DowningStrategy.Create(new SplitBrainResolverSettings { ActiveStrategy = kind }));

    [Fact]
    public void Static_quorum_from_settings_needs_a_size()
    {
        Assert.IsType<StaticQuorum>(DowningStrategy.Create(new SplitBrainResolverSettings { ActiveStrategy = DowningStrategyKind.StaticQuorum, StaticQuorumSize = 2 }));
        var e = Assert.Throws<ArgumentException>(() => new SplitBrainResolverSettings { ActiveStrategy = DowningStrategyKind.StaticQuorum }.Validate());
        Assert.Contains("quorum-size", e.Message);
    }
}
