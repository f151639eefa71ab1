using ClusterLb.Cluster.Sbr;
using static ClusterLb.Cluster.Tests.Sbr.SbrTestViews;

namespace ClusterLb.Cluster.Tests.Sbr;

public class SplitBrainResolverTimingTests
{
    private static TimeSpan Sec(double s) => TimeSpan.FromSeconds(s);

    private static MembershipState State(string self, params string[] unreachableFromA)
    {
        var g = global::ClusterLb.Cluster.Gossip.Create(Five());
        g = g.WithReachability(unreachableFromA.Aggregate(Reachability.Empty, (r, u) => r.Unreachable(N("a"), N(u))));
        return new MembershipState(g, N(self));
    }

    [Fact]
    public void Decides_only_after_the_unreachable_set_was_stable_for_stable_after()
    {
        var sbr = new SplitBrainResolver(new SplitBrainResolverSettings());
        Assert.Null(sbr.Tick(State("a"), Sec(0)));
        Assert.Null(sbr.Tick(State("a", "e"), Sec(5)));
        Assert.Null(sbr.Tick(State("a", "e"), Sec(24.9)));
        var action = sbr.Tick(State("a", "e"), Sec(25));
        Assert.NotNull(action);
        Assert.Equal(SbrDecision.DownUnreachable, action!.Decision);
        Assert.Equal(["e"], Hosts(action.NodesToDown));
    }

    [Fact]
    public void A_change_restarts_the_stable_period()
    {
        var sbr = new SplitBrainResolver(new SplitBrainResolverSettings());
        sbr.Tick(State("a"), Sec(0));
        sbr.Tick(State("a", "e"), Sec(1));
        Assert.Null(sbr.Tick(State("a", "d", "e"), Sec(15)));
        Assert.Null(sbr.Tick(State("a", "d", "e"), Sec(30)));
        Assert.Equal(["d", "e"], Hosts(sbr.Tick(State("a", "d", "e"), Sec(35))!.NodesToDown));
    }

    [Fact]
    public void Only_the_leader_acts()
    {
        var sbr = new SplitBrainResolver(new SplitBrainResolverSettings());
        sbr.Tick(State("b"), Sec(0));
        for (var t = 1; t < 34; t++) Assert.Null(sbr.Tick(State("b", "e"), Sec(t)));
    }

    [Fact]
    public void Persistent_instability_downs_everyone_after_stable_after_plus_down_all_when_unstable()
    {
        var sbr = new SplitBrainResolver(new SplitBrainResolverSettings());
        sbr.Tick(State("b"), Sec(0));
        string[][] flaps = [["d"], ["d", "e"], ["e"], ["c"]];
        SbrAction? action = null;
        var t = 1.0;
        for (var i = 0; action is null && t < 60; i++, t += 1)
            action = sbr.Tick(State("b", flaps[(i / 5) % flaps.Length]), Sec(t)); // a new set every 5 s
        Assert.NotNull(action);
        Assert.Equal(SbrDecision.DownAll, action!.Decision);
        // first change at 1 s; 20 s + 15 s later
        Assert.InRange(t - 1, 36, 37.01);
        Assert.Equal(5, action.NodesToDown.Count);
    }

    [Fact]
    public void Instability_rule_can_be_switched_off()
    {
        var sbr = new SplitBrainResolver(new SplitBrainResolverSettings { DownAllWhenUnstableEnabled = false });
        sbr.Tick(State("b"), Sec(0));
        string[][] flaps = [["d"], ["d", "e"]];
        for (var t = 1; t < 120; t++)
            Assert.Null(sbr.Tick(State("b", flaps[(t / 5) % 2]), Sec(t)));
    }

    [Fact]
    public void Healing_resets_the_instability_clock()
    {
        var sbr = new SplitBrainResolver(new SplitBrainResolverSettings());
        sbr.Tick(State("b"), Sec(0));
        sbr.Tick(State("b", "e"), Sec(1));
        sbr.Tick(State("b"), Sec(10));
        Assert.Null(sbr.InstabilityStartedAt);
        sbr.Tick(State("b", "d"), Sec(30));
        Assert.Equal(Sec(30), sbr.InstabilityStartedAt);
        Assert.Null(sbr.Tick(State("b", "d"), Sec(40)));
    }

    [Theory]
    [InlineData(20, 15)]
    [InlineData(4, 4)]
    [InlineData(100, 75)]
    public void Down_all_when_unstable_on_means_three_quarters_of_stable_after_at_least_four_seconds(int stable, int expected) =>
        Assert.Equal(Sec(expected), new SplitBrainResolverSettings { StableAfter = Sec(stable) }.EffectiveDownAllWhenUnstable);
}
