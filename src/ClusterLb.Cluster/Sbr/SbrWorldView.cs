using System.Collections.Immutable;

namespace ClusterLb.Cluster.Sbr;

/// <summary>
/// What the split brain resolver sees: members (Removed excluded), which of them are unreachable from this side,
/// the unreachable/terminated reachability records, and who has seen the current gossip.
/// </summary>
public sealed class SbrWorldView
{
    /// <summary>Creates a view.</summary>
    public SbrWorldView(UniqueAddress self, IEnumerable<Member> members, Reachability reachability, IEnumerable<UniqueAddress> seenBy)
    {
        Self = self;
        AllMembers = members.Where(m => m.Status != MemberStatus.Removed).ToImmutableSortedSet(MemberAddressOrdering.Instance);
        Reachability = reachability.FilterRecords(r => r.Status != ReachabilityStatus.Reachable);
        var known = AllMembers.Select(m => m.UniqueAddress).ToHashSet();
        Unreachable = Reachability.AllUnreachableOrTerminated.Where(n => !n.Equals(self) && known.Contains(n)).ToImmutableHashSet();
        SeenBy = seenBy.ToImmutableHashSet();
    }

    /// <summary>The view of a node, ignoring what Down observers report.</summary>
    public static SbrWorldView From(MembershipState state) =>
        new(state.SelfUniqueAddress, state.Members, state.ReachabilityExcludingDownedObservers, state.LatestGossip.SeenBy);

    /// <summary>This node.</summary>
    public UniqueAddress Self { get; }
    /// <summary>All members except Removed, including Joining and WeaklyUp.</summary>
    public ImmutableSortedSet<Member> AllMembers { get; }
    /// <summary>Unreachable and Terminated records only.</summary>
    public Reachability Reachability { get; }
    /// <summary>Members (other than self) that somebody reports unreachable.</summary>
    public ImmutableHashSet<UniqueAddress> Unreachable { get; }
    /// <summary>Nodes that have seen the current gossip version.</summary>
    public ImmutableHashSet<UniqueAddress> SeenBy { get; }

    /// <summary>The same view with another reachability table.</summary>
    public SbrWorldView WithReachability(Reachability reachability) => new(Self, AllMembers, reachability, SeenBy);

    /// <summary>True when <paramref name="m"/> is unreachable from this side.</summary>
    public bool IsUnreachable(Member m) => Unreachable.Contains(m.UniqueAddress);

    /// <summary>
    /// Members that count for decisions: not Down or Exiting; not Joining/WeaklyUp unless
    /// <paramref name="includingPossiblyUp"/> (they may already be Up on the other side); not Leaving when
    /// <paramref name="excludingPossiblyExiting"/> (they may already be Exiting on the other side).
    /// </summary>
    public IEnumerable<Member> Members(bool includingPossiblyUp = false, bool excludingPossiblyExiting = false, string role = "") =>
        AllMembers.Where(m =>
            m.Status is not (MemberStatus.Down or MemberStatus.Exiting) &&
            (includingPossiblyUp || m.Status is not (MemberStatus.Joining or MemberStatus.WeaklyUp)) &&
            !(excludingPossiblyExiting && m.Status == MemberStatus.Leaving) &&
            (role.Length == 0 || m.HasRole(role)));

    /// <summary>True when every unreachable member is already Down or Exiting.</summary>
    public bool IsAllUnreachableDownOrExiting =>
        AllMembers.Where(IsUnreachable).All(m => m.Status is MemberStatus.Down or MemberStatus.Exiting);

    /// <summary>
    /// Nodes unreachable through some links but still connected through others: nodes that both observe and are
    /// observed as unreachable (a cycle), and both ends of records whose subject has seen the current gossip (it
    /// got the gossip through a third node). Clean partitions and crashes never produce these.
    /// </summary>
    public ImmutableHashSet<UniqueAddress> IndirectlyConnected => FromCycles.Union(FromSeenCurrentGossip);

    private ImmutableHashSet<UniqueAddress> FromCycles => Reachability.AllObservers.Intersect(Reachability.AllUnreachableOrTerminated);

    private ImmutableHashSet<UniqueAddress> FromSeenCurrentGossip =>
        Reachability.Records.Where(r => SeenBy.Contains(r.Subject)).SelectMany(r => new[] { r.Observer, r.Subject }).ToImmutableHashSet();

    /// <summary>True when <see cref="IndirectlyConnected"/> is not empty.</summary>
    public bool HasIndirectlyConnected => !IndirectlyConnected.IsEmpty;

    /// <summary>The view without the observations among indirectly connected nodes, for the follow-up decision.</summary>
    public SbrWorldView WithoutIndirectObservations()
    {
        var cycles = FromCycles;
        var seen = FromSeenCurrentGossip;
        return WithReachability(Reachability.FilterRecords(r =>
            !((cycles.Contains(r.Observer) && cycles.Contains(r.Subject)) || (seen.Contains(r.Observer) && seen.Contains(r.Subject)))));
    }
}
