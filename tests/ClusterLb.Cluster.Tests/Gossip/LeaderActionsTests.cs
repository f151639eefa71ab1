using System.Collections.Immutable;
using static ClusterLb.Cluster.Tests.TestNodes;

namespace ClusterLb.Cluster.Tests.Gossip;

public class LeaderActionsTests
{
    private static readonly UniqueAddress A = Node("a"), B = Node("b"), C = Node("c"), D = Node("d");
    private static readonly IReadOnlySet<UniqueAddress> NoExits = ImmutableHashSet<UniqueAddress>.Empty;
    private static readonly ClusterSettings Defaults = new();

    private static MembershipState Leader(params Member[] members) => new(global::ClusterLb.Cluster.Gossip.Create(members).Increment(A), A);

    [Fact]
    public void Joining_members_move_up_with_increasing_up_numbers_after_the_youngest()
    {
        var r = LeaderActions.OnConvergence(Leader(M("a", MemberStatus.Up, 4), M("b", MemberStatus.Joining), M("c", MemberStatus.WeaklyUp)), Defaults, NoExits, 0);
        Assert.NotNull(r.Gossip);
        Assert.Equal(5, r.Gossip!.GetMember(B)!.UpNumber);
        Assert.Equal(6, r.Gossip.GetMember(C)!.UpNumber);
        Assert.All(r.Gossip.Members, m => Assert.Equal(MemberStatus.Up, m.Status));
        Assert.Equal([A], r.Gossip.SeenBy);
        Assert.Equal(VectorClockOrdering.After, r.Gossip.Version.CompareTo(global::ClusterLb.Cluster.Gossip.Create([]).Increment(A).Version));
    }

    [Fact]
    public void First_member_gets_up_number_one()
    {
        var r = LeaderActions.OnConvergence(Leader(M("a", MemberStatus.Joining)), Defaults, NoExits, 0);
        Assert.Equal(1, r.Gossip!.GetMember(A)!.UpNumber);
    }

    [Fact]
    public void Min_nr_of_members_holds_joining_members_back()
    {
        var settings = Defaults with { MinNrOfMembers = 3 };
        var two = Leader(M("a", MemberStatus.Joining), M("b", MemberStatus.Joining));
        Assert.Same(LeaderActionsResult.None, LeaderActions.OnConvergence(two, settings, NoExits, 0));
        var three = Leader(M("a", MemberStatus.Joining), M("b", MemberStatus.Joining), M("c", MemberStatus.Joining));
        Assert.Equal(3, LeaderActions.OnConvergence(three, settings, NoExits, 0).MovedUp.Count);
        var roles = Defaults with { MinNrOfMembersOfRole = ImmutableDictionary<string, int>.Empty.Add("db", 1) };
        Assert.Empty(LeaderActions.OnConvergence(three, roles, NoExits, 0).MovedUp);
    }

    [Fact]
    public void Leaving_moves_to_exiting()
    {
        var r = LeaderActions.OnConvergence(Leader(M("a", MemberStatus.Up, 1), M("b", MemberStatus.Leaving, 2)), Defaults, NoExits, 0);
        Assert.Equal(MemberStatus.Exiting, r.Gossip!.GetMember(B)!.Status);
        Assert.Equal([B], r.MovedToExiting.Select(m => m.UniqueAddress));
    }

    [Fact]
    public void Unreachable_down_and_exiting_and_confirmed_exiting_members_are_removed_with_tombstones()
    {
        var s = new MembershipState(
            global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Down, 2), M("c", MemberStatus.Exiting, 3), M("d", MemberStatus.Exiting, 4)])
                .WithReachability(Reachability.Empty.Unreachable(A, B).Unreachable(A, C)), A);
        var r = LeaderActions.OnConvergence(s, Defaults, new HashSet<UniqueAddress> { D }, 777);
        Assert.Equal([A], r.Gossip!.Members.Select(m => m.UniqueAddress));
        Assert.Equal(777, r.Gossip.Tombstones[B]);
        Assert.True(r.Gossip.IsTombstoned(C) && r.Gossip.IsTombstoned(D));
        Assert.True(r.Gossip.Overview.Reachability.IsAllReachable);
    }

    [Fact]
    public void Reachable_down_member_is_not_removed_yet()
    {
        var r = LeaderActions.OnConvergence(Leader(M("a", MemberStatus.Up, 1), M("b", MemberStatus.Down, 2)), Defaults, NoExits, 0);
        Assert.Same(LeaderActionsResult.None, r);
    }

    [Fact]
    public void Weakly_up_only_for_reachable_joining_members()
    {
        var s = new MembershipState(
            global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Joining), M("c", MemberStatus.Joining), M("d", MemberStatus.Up, 2)])
                .WithReachability(Reachability.Empty.Unreachable(A, C).Unreachable(A, D)), A);
        var r = LeaderActions.MoveJoiningToWeaklyUp(s, Defaults);
        Assert.Equal([B], r.MovedToWeaklyUp.Select(m => m.UniqueAddress));
        Assert.Equal(MemberStatus.WeaklyUp, r.Gossip!.GetMember(B)!.Status);
        Assert.Equal(MemberStatus.Joining, r.Gossip.GetMember(C)!.Status);
    }
}
