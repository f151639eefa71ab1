using System.Collections.Immutable;

namespace ClusterLb.Cluster.Events;

/// <summary>Something subscribers of cluster events are told.</summary>
public abstract record ClusterEvent;

/// <summary>A member's status changed; <see cref="Member"/> carries the new status.</summary>
public abstract record MemberEvent(Member Member) : ClusterEvent;
/// <summary>A member asked to join.</summary>
public sealed record MemberJoined(Member Member) : MemberEvent(Member);
/// <summary>A member became WeaklyUp.</summary>
public sealed record MemberWeaklyUp(Member Member) : MemberEvent(Member);
/// <summary>A member became Up.</summary>
public sealed record MemberUp(Member Member) : MemberEvent(Member);
/// <summary>A member is leaving (status Leaving).</summary>
public sealed record MemberLeft(Member Member) : MemberEvent(Member);
/// <summary>A member is exiting (status Exiting).</summary>
public sealed record MemberExited(Member Member) : MemberEvent(Member);
/// <summary>A member was marked Down.</summary>
public sealed record MemberDowned(Member Member) : MemberEvent(Member);
/// <summary>A member was removed; <see cref="PreviousStatus"/> tells whether it left (Exiting) or was downed (Down).</summary>
public sealed record MemberRemoved(Member Member, MemberStatus PreviousStatus) : MemberEvent(Member);

/// <summary>Reachability of a member changed.</summary>
public abstract record ReachabilityEvent(Member Member) : ClusterEvent;
/// <summary>Some observer no longer reaches the member.</summary>
public sealed record UnreachableMember(Member Member) : ReachabilityEvent(Member);
/// <summary>All observers reach the member again.</summary>
public sealed record ReachableMember(Member Member) : ReachabilityEvent(Member);

/// <summary>The leader changed (null = no leader).</summary>
public sealed record LeaderChanged(UniqueAddress? Leader) : ClusterEvent;
/// <summary>The leader among the members with <see cref="Role"/> changed.</summary>
public sealed record RoleLeaderChanged(string Role, UniqueAddress? Leader) : ClusterEvent;

/// <summary>A snapshot sent to a new subscriber before the incremental events.</summary>
public sealed record CurrentClusterState(
    ImmutableSortedSet<Member> Members,
    ImmutableHashSet<Member> Unreachable,
    ImmutableHashSet<UniqueAddress> SeenBy,
    UniqueAddress? Leader,
    ImmutableSortedDictionary<string, UniqueAddress?> RoleLeaders) : ClusterEvent
{
    /// <summary>The snapshot of <paramref name="state"/>.</summary>
    public static CurrentClusterState From(MembershipState state) => new(
        state.Members, state.UnreachableMembers.ToImmutableHashSet(), state.LatestGossip.SeenBy, state.Leader, state.RoleLeaders);
}
