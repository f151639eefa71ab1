using System.Collections.Immutable;

namespace ClusterLb.Cluster;

/// <summary>
/// The replicated membership state: members, who has seen this version, reachability, the vector clock, and
/// tombstones of removed members. Tombstones are the difference from Akka.NET 1.5: a removed incarnation can never
/// be resurrected by merging an old concurrent gossip that still lists it.
/// </summary>
public sealed class Gossip
{
    /// <summary>No members.</summary>
    public static readonly Gossip Empty = new(
        ImmutableSortedSet.Create<Member>(MemberAddressOrdering.Instance), GossipOverview.Empty, VectorClock.Empty,
        ImmutableDictionary<UniqueAddress, long>.Empty);

    private Gossip(ImmutableSortedSet<Member> members, GossipOverview overview, VectorClock version, ImmutableDictionary<UniqueAddress, long> tombstones)
    {
        Members = members;
        Overview = overview;
        Version = version;
        Tombstones = tombstones;
    }

    /// <summary>Members in address order, including Down and Exiting ones until the leader removes them.</summary>
    public ImmutableSortedSet<Member> Members { get; }
    /// <summary>Seen set and reachability.</summary>
    public GossipOverview Overview { get; }
    /// <summary>Version of this state.</summary>
    public VectorClock Version { get; }
    /// <summary>Removed incarnations and when they were removed (Unix milliseconds).</summary>
    public ImmutableDictionary<UniqueAddress, long> Tombstones { get; }

    /// <summary>Builds a gossip from parts, e.g. from the wire.</summary>
    public static Gossip Create(IEnumerable<Member> members, GossipOverview? overview = null, VectorClock? version = null,
        IReadOnlyDictionary<UniqueAddress, long>? tombstones = null) =>
        new(members.ToImmutableSortedSet(MemberAddressOrdering.Instance), overview ?? GossipOverview.Empty,
            version ?? VectorClock.Empty, tombstones?.ToImmutableDictionary() ?? ImmutableDictionary<UniqueAddress, long>.Empty);

    private Gossip With(ImmutableSortedSet<Member>? members = null, GossipOverview? overview = null, VectorClock? version = null,
        ImmutableDictionary<UniqueAddress, long>? tombstones = null) =>
        new(members ?? Members, overview ?? Overview, version ?? Version, tombstones ?? Tombstones);

    /// <summary>Seen set of this version.</summary>
    public ImmutableHashSet<UniqueAddress> SeenBy => Overview.Seen;
    /// <summary>True when <paramref name="node"/> has seen this version.</summary>
    public bool SeenByNode(UniqueAddress node) => Overview.Seen.Contains(node);
    /// <summary>Adds <paramref name="node"/> to the seen set.</summary>
    public Gossip Seen(UniqueAddress node) => SeenByNode(node) ? this : With(overview: Overview with { Seen = Overview.Seen.Add(node) });
    /// <summary>Only <paramref name="node"/> has seen this version (after a local change).</summary>
    public Gossip OnlySeen(UniqueAddress node) => With(overview: Overview with { Seen = [node] });
    /// <summary>Nobody has seen this version (after a merge).</summary>
    public Gossip ClearSeen() => With(overview: Overview with { Seen = [] });
    /// <summary>Union of both seen sets, for two gossips with the same version.</summary>
    public Gossip MergeSeen(Gossip that) => With(overview: Overview with { Seen = Overview.Seen.Union(that.Overview.Seen) });

    /// <summary>One more local change by <paramref name="node"/>.</summary>
    public Gossip Increment(UniqueAddress node) => With(version: Version.Increment(VectorClock.NodeName(node)));
    /// <summary>Drops the clock entry of a removed node.</summary>
    public Gossip Prune(UniqueAddress removed) => With(version: Version.Prune(VectorClock.NodeName(removed)));
    /// <summary>Replaces the reachability table.</summary>
    public Gossip WithReachability(Reachability reachability) => With(overview: Overview with { Reachability = reachability });

    // Built on first lookup; the gossip is immutable, so a racing second build is harmless.
    private Dictionary<UniqueAddress, Member>? _index;

    /// <summary>The member for exactly this incarnation, or null.</summary>
    public Member? GetMember(UniqueAddress node)
    {
        var index = _index ??= Members.ToDictionary(m => m.UniqueAddress);
        return index.GetValueOrDefault(node);
    }
    /// <summary>True when this incarnation is a member.</summary>
    public bool HasMember(UniqueAddress node) => GetMember(node) is not null;
    /// <summary>The member at <paramref name="address"/>, whatever its uid, or null.</summary>
    public Member? MemberAt(Address address) => Members.FirstOrDefault(m => m.Address.Equals(address));
    /// <summary>True when this gossip has a tombstone for <paramref name="node"/>.</summary>
    public bool IsTombstoned(UniqueAddress node) => Tombstones.ContainsKey(node);

    /// <summary>Only one member.</summary>
    public bool IsSingletonCluster => Members.Count == 1;

    /// <summary>The member that became Up last (Joining members count as age 0, as in Akka).</summary>
    public Member YoungestMember =>
        Members.MaxBy(m => m.UpNumber == Member.NotUpYet ? 0 : m.UpNumber)
        ?? throw new InvalidOperationException("Gossip has no members.");

    /// <summary>Adds or replaces members (matched by unique address).</summary>
    public Gossip Update(IEnumerable<Member> changed)
    {
        var b = Members.ToBuilder();
        foreach (var m in changed)
        {
            b.Remove(m);
            b.Add(m);
        }
        return With(members: b.ToImmutable());
    }

    /// <summary>Removes a member for good: drops it from members, seen, reachability and clock, and keeps a tombstone.</summary>
    public Gossip Remove(UniqueAddress node, long removedAtUnixMs)
    {
        var member = GetMember(node);
        var members = member is null ? Members : Members.Remove(member);
        var overview = new GossipOverview(Overview.Seen.Remove(node), Overview.Reachability.Remove([node]));
        return new Gossip(members, overview, Version.Prune(VectorClock.NodeName(node)), Tombstones.SetItem(node, removedAtUnixMs));
    }

    /// <summary>Forgets tombstones older than <paramref name="removeBeforeUnixMs"/>.</summary>
    public Gossip PruneTombstones(long removeBeforeUnixMs)
    {
        var old = Tombstones.Where(t => t.Value < removeBeforeUnixMs).Select(t => t.Key).ToList();
        return old.Count == 0 ? this : With(tombstones: Tombstones.RemoveRange(old));
    }

    /// <summary>
    /// Merges a concurrent gossip: clocks take the maximum, each member keeps its highest-precedence status,
    /// tombstoned members and one-sided Down/Exiting members (already removed on the other side) are dropped,
    /// reachability merges per observer, and the seen set is cleared because nobody has seen the result yet.
    /// </summary>
    public Gossip Merge(Gossip that)
    {
        var tombstones = Tombstones.ToBuilder();
        foreach (var (node, at) in that.Tombstones)
            if (!tombstones.TryGetValue(node, out var mine) || at > mine)
                tombstones[node] = at;

        var version = Version.Merge(that.Version);
        foreach (var node in tombstones.Keys)
            version = version.Prune(VectorClock.NodeName(node));

        var members = ImmutableSortedSet.CreateBuilder(MemberAddressOrdering.Instance);
        foreach (var m in Members.Union(that.Members))
        {
            if (tombstones.ContainsKey(m.UniqueAddress)) continue;
            var mine = GetMember(m.UniqueAddress);
            var theirs = that.GetMember(m.UniqueAddress);
            if (mine is not null && theirs is not null)
                members.Add(Member.HighestPriorityOf(mine, theirs));
            else if (m.Status is not (MemberStatus.Down or MemberStatus.Exiting))
                members.Add(m);
        }

        var allowed = members.Select(m => m.UniqueAddress).ToHashSet();
        var reachability = Overview.Reachability.Merge(allowed, that.Overview.Reachability);
        return new Gossip(members.ToImmutable(), new GossipOverview([], reachability), version, tombstones.ToImmutable());
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"Gossip(members=[{string.Join(", ", Members)}], seen=[{string.Join(", ", SeenBy)}], {Overview.Reachability}, {Version})";
}
