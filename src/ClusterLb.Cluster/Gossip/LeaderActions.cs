using System.Collections.Immutable;

namespace ClusterLb.Cluster;

/// <summary>What one round of leader actions changed. <see cref="Gossip"/> is null when nothing changed.</summary>
public sealed record LeaderActionsResult(
    Gossip? Gossip,
    ImmutableList<Member> MovedUp,
    ImmutableList<Member> MovedToWeaklyUp,
    ImmutableList<Member> MovedToExiting,
    ImmutableList<Member> Removed)
{
    /// <summary>Nothing to do.</summary>
    public static readonly LeaderActionsResult None = new(null, [], [], [], []);
}

/// <summary>The leader's duties as pure functions of the membership state.</summary>
public static class LeaderActions
{
    /// <summary>
    /// Runs at convergence: Joining/WeaklyUp → Up (when min-nr-of-members is met, with increasing up numbers),
    /// Leaving → Exiting, and removal (with a tombstone) of unreachable Down/Exiting members and of Exiting members
    /// that confirmed their exit. The result is a new local version seen only by the leader.
    /// </summary>
    public static LeaderActionsResult OnConvergence(
        MembershipState state, ClusterSettings settings, IReadOnlySet<UniqueAddress> exitingConfirmed, long nowUnixMs)
    {
        var gossip = state.LatestGossip;
        var unreachable = state.ReachabilityExcludingDownedObservers.AllUnreachableOrTerminated;
        var removed = state.Members
            .Where(m => (unreachable.Contains(m.UniqueAddress) && m.Status is MemberStatus.Down or MemberStatus.Exiting
                         && !m.UniqueAddress.Equals(state.SelfUniqueAddress))
                        || (m.Status == MemberStatus.Exiting && exitingConfirmed.Contains(m.UniqueAddress)))
            .ToImmutableList();

        var enoughMembers = state.IsMinNrOfMembersFulfilled(settings.MinNrOfMembers, settings.MinNrOfMembersOfRole);
        var youngest = gossip.YoungestMember.UpNumber;
        var upNumber = youngest == Member.NotUpYet ? 0 : youngest;
        var movedUp = ImmutableList.CreateBuilder<Member>();
        var exiting = ImmutableList.CreateBuilder<Member>();
        foreach (var m in state.Members)
        {
            if (removed.Contains(m)) continue;
            if (enoughMembers && m.Status is MemberStatus.Joining or MemberStatus.WeaklyUp)
                movedUp.Add(m.CopyUp(++upNumber));
            else if (m.Status == MemberStatus.Leaving)
                exiting.Add(m.Copy(MemberStatus.Exiting));
        }

        if (removed.Count == 0 && movedUp.Count == 0 && exiting.Count == 0)
            return LeaderActionsResult.None;

        var next = gossip.Update(movedUp.Concat(exiting));
        foreach (var m in removed)
            next = next.Remove(m.UniqueAddress, nowUnixMs);
        next = next.Increment(state.SelfUniqueAddress).OnlySeen(state.SelfUniqueAddress);
        return new LeaderActionsResult(next, movedUp.ToImmutable(), [], exiting.ToImmutable(), removed);
    }

    /// <summary>
    /// Runs without convergence after allow-weakly-up-members: reachable Joining members become WeaklyUp, so a
    /// single unreachable node cannot keep new nodes out of service.
    /// </summary>
    public static LeaderActionsResult MoveJoiningToWeaklyUp(MembershipState state, ClusterSettings settings)
    {
        if (!state.IsMinNrOfMembersFulfilled(settings.MinNrOfMembers, settings.MinNrOfMembersOfRole))
            return LeaderActionsResult.None;
        var reachability = state.ReachabilityExcludingDownedObservers;
        var changed = state.Members
            .Where(m => m.Status == MemberStatus.Joining && reachability.IsReachable(m.UniqueAddress))
            .Select(m => m.Copy(MemberStatus.WeaklyUp))
            .ToImmutableList();
        if (changed.Count == 0) return LeaderActionsResult.None;
        var next = state.LatestGossip.Update(changed).Increment(state.SelfUniqueAddress).OnlySeen(state.SelfUniqueAddress);
        return new LeaderActionsResult(next, [], changed, [], []);
    }
}
