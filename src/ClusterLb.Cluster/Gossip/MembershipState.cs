using System.Collections.Immutable;

namespace ClusterLb.Cluster;

/// <summary>
/// A node's view: the latest gossip plus who "self" is. Everything here is derived deterministically from the
/// gossip, which is why every node that has the same gossip agrees on the leader and on convergence.
/// </summary>
public sealed class MembershipState
{
    private static readonly MemberStatus[] LeaderStatuses =
        [MemberStatus.Up, MemberStatus.Leaving, MemberStatus.PreparingForShutdown, MemberStatus.ReadyForShutdown];

    /// <summary>Creates the view.</summary>
    public MembershipState(Gossip latestGossip, UniqueAddress selfUniqueAddress)
    {
        LatestGossip = latestGossip;
        SelfUniqueAddress = selfUniqueAddress;
    }

    /// <summary>The gossip this node holds.</summary>
    public Gossip LatestGossip { get; }
    /// <summary>This node.</summary>
    public UniqueAddress SelfUniqueAddress { get; }
    /// <summary>This node's member entry, or null before it joined.</summary>
    public Member? SelfMember => LatestGossip.GetMember(SelfUniqueAddress);
    /// <summary>Members in address order.</summary>
    public ImmutableSortedSet<Member> Members => LatestGossip.Members;
    /// <summary>The reachability table.</summary>
    public Reachability Reachability => LatestGossip.Overview.Reachability;

    /// <summary>The same node with another gossip.</summary>
    public MembershipState WithGossip(Gossip gossip) => new(gossip, SelfUniqueAddress);

    /// <summary>Reachability ignoring what Down members observe: a dead node's opinion must not block the living.</summary>
    public Reachability ReachabilityExcludingDownedObservers
    {
        get
        {
            var downed = Members.Where(m => m.Status == MemberStatus.Down).Select(m => m.UniqueAddress).ToList();
            return downed.Count == 0 ? Reachability : Reachability.RemoveObservers(downed);
        }
    }

    /// <summary>
    /// Members (other than self) that some observer reports unreachable or terminated: what events and the status
    /// snapshot show. Convergence and the leader's duties use <see cref="ReachabilityExcludingDownedObservers"/> instead.
    /// </summary>
    public ImmutableSortedSet<Member> UnreachableMembers
    {
        get
        {
            var unreachable = Reachability.AllUnreachableOrTerminated;
            return Members.Where(m => !m.UniqueAddress.Equals(SelfUniqueAddress) && unreachable.Contains(m.UniqueAddress))
                .ToImmutableSortedSet(MemberAddressOrdering.Instance);
        }
    }

    /// <summary>
    /// Convergence: every Up/Leaving member has seen this version (or confirmed its exit), and every node that a
    /// non-Down observer reports unreachable is Down or Exiting. Joining and WeaklyUp members never block it.
    /// </summary>
    public bool Convergence(IReadOnlySet<UniqueAddress> exitingConfirmed)
    {
        var unreachable = ReachabilityExcludingDownedObservers.AllUnreachableOrTerminated;
        foreach (var node in unreachable)
        {
            if (node.Equals(SelfUniqueAddress)) continue;
            var m = LatestGossip.GetMember(node);
            if (m is not null && m.Status is not (MemberStatus.Down or MemberStatus.Exiting))
                return false;
        }
        foreach (var m in Members)
        {
            var counts = Array.IndexOf(LeaderStatuses, m.Status) >= 0;
            if (counts && !LatestGossip.SeenByNode(m.UniqueAddress) && !exitingConfirmed.Contains(m.UniqueAddress))
                return false;
        }
        return true;
    }

    /// <summary>The cluster leader (see <see cref="LeaderOf"/>).</summary>
    public UniqueAddress? Leader => LeaderOf(Members);

    /// <summary>True when <paramref name="node"/> is the leader.</summary>
    public bool IsLeader(UniqueAddress node) => node.Equals(Leader);

    /// <summary>The leader among the members with <paramref name="role"/>.</summary>
    public UniqueAddress? RoleLeader(string role) => LeaderOf(Members.Where(m => m.HasRole(role)));

    /// <summary>Leader per role, for every role any member has.</summary>
    public ImmutableSortedDictionary<string, UniqueAddress?> RoleLeaders =>
        Members.SelectMany(m => m.Roles).Distinct()
            .ToImmutableSortedDictionary(r => r, RoleLeader, StringComparer.Ordinal);

    /// <summary>
    /// No election: the first reachable (or self) non-Down member in address order that is Up or Leaving.
    /// Without one, WeaklyUp is preferred, then Joining, then Exiting.
    /// </summary>
    public UniqueAddress? LeaderOf(IEnumerable<Member> members)
    {
        var reachability = Reachability;
        Member? best = null;
        var bestRank = int.MaxValue;
        foreach (var m in members)
        {
            if (m.Status is MemberStatus.Down or MemberStatus.Removed) continue;
            if (!m.UniqueAddress.Equals(SelfUniqueAddress) && !reachability.IsReachable(m.UniqueAddress)) continue;
            var rank = LeaderRank(m.Status);
            if (rank < bestRank || (rank == bestRank && best is not null && m.UniqueAddress.CompareTo(best.UniqueAddress) < 0))
            {
                best = m;
                bestRank = rank;
            }
        }
        return best?.UniqueAddress;
    }

    private static int LeaderRank(MemberStatus status) => status switch
    {
        MemberStatus.Up or MemberStatus.Leaving or MemberStatus.PreparingForShutdown or MemberStatus.ReadyForShutdown => 0,
        MemberStatus.WeaklyUp => 1,
        MemberStatus.Joining => 2,
        _ => 3,
    };

    /// <summary>A node we may gossip to: a member other than self that self can reach.</summary>
    public bool ValidNodeForGossip(UniqueAddress node) =>
        !node.Equals(SelfUniqueAddress) && LatestGossip.HasMember(node) && Reachability.IsReachable(SelfUniqueAddress, node);

    /// <summary>True when the minimum member counts (global and per role) are met.</summary>
    public bool IsMinNrOfMembersFulfilled(int minNrOfMembers, IReadOnlyDictionary<string, int> minNrOfMembersOfRole) =>
        Members.Count >= minNrOfMembers &&
        minNrOfMembersOfRole.All(kv => Members.Count(m => m.HasRole(kv.Key)) >= kv.Value);

    /// <summary>The oldest members that are not yet removed; used to hand singletons over quickly.</summary>
    public IReadOnlyList<Member> OldestMembers(int count) =>
        Members.Where(m => m.Status is not (MemberStatus.Down or MemberStatus.Removed))
            .OrderBy(m => m, MemberAgeOrdering.Instance).Take(count).ToList();
}
