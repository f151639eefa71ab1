using ClusterLb.Cluster.Join;
using static ClusterLb.Cluster.Tests.TestNodes;

namespace ClusterLb.Cluster.Tests.Join;

public class JoinHandlerTests
{
    private static readonly UniqueAddress A = Node("a"), B = Node("b"), B2 = Node("b", uid: 2), C = Node("c");

    private static MembershipState Running(params Member[] members) => new(global::ClusterLb.Cluster.Gossip.Create(members).Increment(A).Seen(A), A);

    [Fact]
    public void New_node_is_added_as_joining_and_welcomed()
    {
        var r = JoinHandler.HandleJoin(Running(M("a", MemberStatus.Up, 1)), C, ["lb"], "2.0.0");
        Assert.Equal(JoinOutcome.Welcomed, r.Outcome);
        var c = r.Gossip.GetMember(C)!;
        Assert.Equal(MemberStatus.Joining, c.Status);
        Assert.True(c.HasRole("lb"));
        Assert.Equal("2.0.0", c.AppVersion);
        Assert.Equal([A], r.Gossip.SeenBy);
    }

    [Fact]
    public void Repeated_join_gets_welcome_again_without_change()
    {
        var s = Running(M("a", MemberStatus.Up, 1), M("c", MemberStatus.Joining));
        var r = JoinHandler.HandleJoin(s, C, [], "0.0.0");
        Assert.Equal(JoinOutcome.AlreadyMember, r.Outcome);
        Assert.Same(s.LatestGossip, r.Gossip);
    }

    [Fact]
    public void New_incarnation_on_the_same_address_downs_and_terminates_the_old_one_but_is_not_welcomed_yet()
    {
        var r = JoinHandler.HandleJoin(Running(M("a", MemberStatus.Up, 1), M("b", MemberStatus.Up, 2)), B2, [], "0.0.0");
        Assert.Equal(JoinOutcome.OldIncarnationDowned, r.Outcome);
        Assert.Equal(MemberStatus.Down, r.Gossip.GetMember(B)!.Status);
        Assert.Equal(ReachabilityStatus.Terminated, r.Gossip.Overview.Reachability.Status(B));
        Assert.False(r.Gossip.HasMember(B2));
    }

    [Fact]
    public void Removed_incarnation_cannot_come_back()
    {
        var s = new MembershipState(global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Down, 2)]).Remove(B, 1), A);
        var r = JoinHandler.HandleJoin(s, B, [], "0.0.0");
        Assert.Equal(JoinOutcome.Ignored, r.Outcome);
        Assert.Contains("removed", r.Reason);
        Assert.Equal(JoinOutcome.Welcomed, JoinHandler.HandleJoin(s, B2, [], "0.0.0").Outcome);
    }

    [Fact]
    public void Uninitialized_or_leaving_nodes_refuse()
    {
        var empty = new MembershipState(global::ClusterLb.Cluster.Gossip.Empty, A);
        Assert.Equal(JoinOutcome.Ignored, JoinHandler.HandleJoin(empty, C, [], "0").Outcome);
        Assert.False(JoinHandler.ShouldAckInitJoin(empty));
        var exiting = Running(M("a", MemberStatus.Exiting, 1));
        Assert.Equal(JoinOutcome.Ignored, JoinHandler.HandleJoin(exiting, C, [], "0").Outcome);
        Assert.False(JoinHandler.ShouldAckInitJoin(exiting));
        Assert.False(JoinHandler.ShouldAckInitJoin(Running(M("a", MemberStatus.Down, 1))));
        Assert.True(JoinHandler.ShouldAckInitJoin(Running(M("a", MemberStatus.Up, 1))));
    }
}
