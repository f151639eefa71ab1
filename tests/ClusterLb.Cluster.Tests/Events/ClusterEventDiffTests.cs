using ClusterLb.Cluster.Events;
using static ClusterLb.Cluster.Tests.TestNodes;

namespace ClusterLb.Cluster.Tests.Events;

public class ClusterEventDiffTests
{
    private static readonly UniqueAddress A = Node("a"), B = Node("b"), C = Node("c"), D = Node("d");

    private static MembershipState S(global::ClusterLb.Cluster.Gossip g, UniqueAddress? self = null) => new(g, self ?? A);

    [Fact]
    public void Same_gossip_means_no_events() =>
        Assert.Empty(ClusterEventDiff.Diff(S(global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1)])), S(global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1)]))));

    [Fact]
    public void Each_status_change_maps_to_its_event()
    {
        var before = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Joining), M("c", MemberStatus.Up, 2), M("d", MemberStatus.Leaving, 3)]);
        var after = before.Update([M("b", MemberStatus.WeaklyUp), M("c", MemberStatus.Leaving, 2), M("d", MemberStatus.Exiting, 3)]);
        var events = ClusterEventDiff.Diff(S(before), S(after));
        Assert.Equal([typeof(MemberWeaklyUp), typeof(MemberLeft), typeof(MemberExited)], events.Select(e => e.GetType()));
        var next = after.Update([M("b", MemberStatus.Up, 4), M("c", MemberStatus.Down, 2)]);
        Assert.Equal([typeof(MemberUp), typeof(MemberDowned)], ClusterEventDiff.Diff(S(after), S(next)).Select(e => e.GetType()));
    }

    [Fact]
    public void Events_come_in_akka_order_removed_members_unreachable_reachable_leader_role_leader()
    {
        var before = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1, roles: ["r"]), M("b", MemberStatus.Up, 2), M("c", MemberStatus.Exiting, 3), M("d", MemberStatus.Joining)])
            .WithReachability(Reachability.Empty.Unreachable(A, B));
        var after = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Leaving, 1, roles: ["r"]), M("b", MemberStatus.Up, 2), M("d", MemberStatus.Joining)])
            .WithReachability(Reachability.Empty.Unreachable(B, A));
        var events = ClusterEventDiff.Diff(S(before, D), S(after, D));
        Assert.Equal(
            [typeof(MemberRemoved), typeof(MemberLeft), typeof(UnreachableMember), typeof(ReachableMember), typeof(LeaderChanged), typeof(RoleLeaderChanged)],
            events.Select(e => e.GetType()));
        var removed = (MemberRemoved)events[0];
        Assert.Equal(C, removed.Member.UniqueAddress);
        Assert.Equal(MemberStatus.Removed, removed.Member.Status);
        Assert.Equal(MemberStatus.Exiting, removed.PreviousStatus);
        Assert.Equal(A, ((UnreachableMember)events[2]).Member.UniqueAddress);
        Assert.Equal(B, ((ReachableMember)events[3]).Member.UniqueAddress);
        Assert.Equal(new LeaderChanged(B), events[4]);
        Assert.Equal(new RoleLeaderChanged("r", null), events[5]);
    }

    [Fact]
    public void New_member_is_announced_by_its_current_status()
    {
        var before = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1)]);
        var after = before.Update([M("b", MemberStatus.Up, 2), M("c", MemberStatus.Joining)]);
        Assert.Equal([typeof(MemberUp), typeof(MemberJoined)], ClusterEventDiff.Diff(S(before), S(after)).Select(e => e.GetType()));
    }

    [Fact]
    public void Reachable_again_and_self_is_never_reported()
    {
        var g = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Up, 2), M("c", MemberStatus.Up, 3)]);
        var unreachable = g.WithReachability(Reachability.Empty.Unreachable(A, C).Unreachable(C, A));
        var events = ClusterEventDiff.Diff(S(g), S(unreachable));
        Assert.Equal([new UnreachableMember(M("c", MemberStatus.Up, 3))], events.ToArray());
        var healed = unreachable.WithReachability(Reachability.Empty);
        Assert.Equal([typeof(ReachableMember)], ClusterEventDiff.Diff(S(unreachable), S(healed)).Select(e => e.GetType()));
    }

    [Fact]
    public void Current_cluster_state_snapshot()
    {
        var g = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Up, 2, roles: ["db"])])
            .Seen(A).WithReachability(Reachability.Empty.Unreachable(A, B));
        var snap = CurrentClusterState.From(S(g));
        Assert.Equal(2, snap.Members.Count);
        Assert.Equal([B], snap.Unreachable.Select(m => m.UniqueAddress));
        Assert.Equal([A], snap.SeenBy);
        Assert.Equal(A, snap.Leader);
        Assert.Null(snap.RoleLeaders["db"]);
    }
}
