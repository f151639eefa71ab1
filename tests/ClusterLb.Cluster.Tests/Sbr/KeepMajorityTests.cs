using ClusterLb.Cluster.Sbr;
using static ClusterLb.Cluster.Tests.Sbr.SbrTestViews;
using static ClusterLb.Cluster.Tests.TestNodes;

namespace ClusterLb.Cluster.Tests.Sbr;

public class KeepMajorityTests
{
    private readonly KeepMajority _strategy = new();

    [Fact]
    public void Majority_downs_the_unreachable_minority()
    {
        var v = View("a", Five(), "d", "e");
        Assert.Equal(SbrDecision.DownUnreachable, _strategy.Decide(v));
        Assert.Equal(["d", "e"], Hosts(_strategy.NodesToDown(v, SbrDecision.DownUnreachable)));
    }

    [Fact]
    public void Minority_downs_itself()
    {
        var v = View("d", Five(), "a", "b", "c");
        Assert.Equal(SbrDecision.DownReachable, _strategy.Decide(v));
        Assert.Equal(["d", "e"], Hosts(_strategy.NodesToDown(v, SbrDecision.DownReachable)));
    }

    [Fact]
    public void Tie_is_won_by_the_side_with_the_lowest_address()
    {
        var four = Five().Take(4).ToArray();
        Assert.Equal(SbrDecision.DownUnreachable, _strategy.Decide(View("b", four, "c", "d")));
        Assert.Equal(SbrDecision.DownReachable, _strategy.Decide(View("c", four, "a", "b")));
    }

    [Fact]
    public void Three_parts_without_majority_each_down_themselves()
    {
        // {a,b} {c,d} {e}: nobody sees more than half.
        Assert.Equal(SbrDecision.DownReachable, _strategy.Decide(View("a", Five(), "c", "d", "e")));
        Assert.Equal(SbrDecision.DownReachable, _strategy.Decide(View("c", Five(), "a", "b", "e")));
        Assert.Equal(SbrDecision.DownReachable, _strategy.Decide(View("e", Five(), "a", "b", "c", "d")));
    }

    [Fact]
    public void Role_limits_which_members_are_counted()
    {
        var members = new[] { M("a", MemberStatus.Up, 1, roles: ["lb"]), M("b", MemberStatus.Up, 2, roles: ["lb"]),
            M("c", MemberStatus.Up, 3), M("d", MemberStatus.Up, 4), M("e", MemberStatus.Up, 5) };
        var v = View("a", members, "c", "d", "e");
        Assert.Equal(SbrDecision.DownReachable, _strategy.Decide(v));
        Assert.Equal(SbrDecision.DownUnreachable, new KeepMajority("lb").Decide(v));
        Assert.Equal(SbrDecision.DownAll, new KeepMajority("nobody").Decide(v));
    }

    [Fact]
    public void Joining_members_on_the_other_side_that_may_be_up_there_make_it_down_all()
    {
        var members = new[] { M("a", MemberStatus.Up, 1), M("b", MemberStatus.Up, 2), M("c", MemberStatus.Up, 3),
            M("d", MemberStatus.Joining), M("e", MemberStatus.Joining) };
        Assert.Equal(SbrDecision.DownAll, _strategy.Decide(View("a", members, "c", "d", "e")));
        Assert.Equal(SbrDecision.DownUnreachable, _strategy.Decide(View("a", members, "d", "e")));
    }

    [Fact]
    public void Joining_and_down_members_are_downable_only_when_not_already_down()
    {
        var members = new[] { M("a", MemberStatus.Up, 1), M("b", MemberStatus.Up, 2), M("c", MemberStatus.Up, 3),
            M("d", MemberStatus.Down, 4), M("e", MemberStatus.Joining) };
        var v = View("a", members, "d", "e");
        Assert.Equal(["e"], Hosts(_strategy.NodesToDown(v, SbrDecision.DownUnreachable)));
        Assert.Equal(["a", "b", "c", "e"], Hosts(_strategy.NodesToDown(v, SbrDecision.DownAll)));
    }
}
