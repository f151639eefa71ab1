using System.Collections.Immutable;

namespace ClusterLb.Cluster.Events;

/// <summary>
/// The events that turn one membership view into the next, in Akka's order: removals, member status changes
/// (address order), unreachable, reachable, leader, role leaders. Pure, so the publisher is trivial.
/// </summary>
public static class ClusterEventDiff
{
    /// <summary>Events between <paramref name="oldState"/> and <paramref name="newState"/> of the same node.</summary>
    public static ImmutableList<ClusterEvent> Diff(MembershipState oldState, MembershipState newState)
    {
        var events = ImmutableList.CreateBuilder<ClusterEvent>();
        if (ReferenceEquals(oldState.LatestGossip, newState.LatestGossip)) return events.ToImmutable();
        events.AddRange(MemberEvents(oldState, newState));
        events.AddRange(Unreachable(oldState, newState));
        events.AddRange(Reachable(oldState, newState));
        if (!Equals(oldState.Leader, newState.Leader))
            events.Add(new LeaderChanged(newState.Leader));
        var oldRoles = oldState.RoleLeaders;
        foreach (var (role, leader) in newState.RoleLeaders)
            if (!oldRoles.TryGetValue(role, out var before) || !Equals(before, leader))
                events.Add(new RoleLeaderChanged(role, leader));
        foreach (var (role, before) in oldRoles)
            if (!newState.RoleLeaders.ContainsKey(role) && before is not null)
                events.Add(new RoleLeaderChanged(role, null));
        return events.ToImmutable();
    }

    /// <summary>MemberRemoved for vanished members first, then one event per new or changed member.</summary>
    public static IEnumerable<MemberEvent> MemberEvents(MembershipState oldState, MembershipState newState)
    {
        var oldMembers = oldState.Members;
        var newMembers = newState.Members;
        foreach (var m in oldMembers)
            if (newState.LatestGossip.GetMember(m.UniqueAddress) is null)
                yield return new MemberRemoved(Member.Restore(m.UniqueAddress, MemberStatus.Removed, m.Roles, m.UpNumber, m.AppVersion), m.Status);
        foreach (var m in newMembers)
        {
            var before = oldState.LatestGossip.GetMember(m.UniqueAddress);
            if (before is not null && before.Status == m.Status) continue;
            MemberEvent? e = m.Status switch
            {
                MemberStatus.Joining => new MemberJoined(m),
                MemberStatus.WeaklyUp => new MemberWeaklyUp(m),
                MemberStatus.Up => new MemberUp(m),
                MemberStatus.Leaving => new MemberLeft(m),
                MemberStatus.Exiting => new MemberExited(m),
                MemberStatus.Down => new MemberDowned(m),
                _ => null,
            };
            if (e is not null) yield return e;
        }
    }

    private static IEnumerable<ClusterEvent> Unreachable(MembershipState oldState, MembershipState newState)
    {
        var before = oldState.UnreachableMembers;
        foreach (var m in newState.UnreachableMembers)
            if (!before.Contains(m))
                yield return new UnreachableMember(m);
    }

    private static IEnumerable<ClusterEvent> Reachable(MembershipState oldState, MembershipState newState)
    {
        var now = newState.UnreachableMembers;
        foreach (var m in oldState.UnreachableMembers)
            if (!now.Contains(m) && newState.LatestGossip.GetMember(m.UniqueAddress) is { } current)
                yield return new ReachableMember(current);
    }
}
