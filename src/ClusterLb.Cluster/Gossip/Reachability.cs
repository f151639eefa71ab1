using System.Collections.Immutable;

namespace ClusterLb.Cluster;

/// <summary>What an observer's failure detector says about a subject.</summary>
public enum ReachabilityStatus
{
    /// <summary>Heartbeats arrive.</summary>
    Reachable,
    /// <summary>Heartbeats stopped; may recover.</summary>
    Unreachable,
    /// <summary>Known dead (quarantined, or replaced by a new incarnation); never recovers.</summary>
    Terminated,
}

/// <summary>One observation.</summary>
public sealed record ReachabilityRecord(UniqueAddress Observer, UniqueAddress Subject, ReachabilityStatus Status, long Version);

/// <summary>
/// The cluster-wide reachability table. Only an observer edits its own rows and bumps its own version, so merging
/// two tables picks, per observer, the rows with the higher version. Rows of an observer that sees everyone as
/// reachable are dropped to keep the table small.
/// </summary>
public sealed class Reachability
{
    /// <summary>Everyone reachable.</summary>
    public static readonly Reachability Empty = new(ImmutableList<ReachabilityRecord>.Empty, ImmutableDictionary<UniqueAddress, long>.Empty);

    private Reachability(ImmutableList<ReachabilityRecord> records, ImmutableDictionary<UniqueAddress, long> versions)
    {
        Records = records;
        Versions = versions;
    }

    /// <summary>All rows.</summary>
    public ImmutableList<ReachabilityRecord> Records { get; }
    /// <summary>Latest version per observer.</summary>
    public ImmutableDictionary<UniqueAddress, long> Versions { get; }

    /// <summary>Restores a table, e.g. from the wire.</summary>
    public static Reachability Create(IEnumerable<ReachabilityRecord> records, IReadOnlyDictionary<UniqueAddress, long> versions) =>
        new(records.ToImmutableList(), versions.ToImmutableDictionary());

    /// <summary><paramref name="observer"/> no longer hears from <paramref name="subject"/>.</summary>
    public Reachability Unreachable(UniqueAddress observer, UniqueAddress subject) => Change(observer, subject, ReachabilityStatus.Unreachable);
    /// <summary><paramref name="observer"/> hears from <paramref name="subject"/> again.</summary>
    public Reachability Reachable(UniqueAddress observer, UniqueAddress subject) => Change(observer, subject, ReachabilityStatus.Reachable);
    /// <summary><paramref name="observer"/> knows <paramref name="subject"/> is gone for good.</summary>
    public Reachability Terminated(UniqueAddress observer, UniqueAddress subject) => Change(observer, subject, ReachabilityStatus.Terminated);

    private Reachability Change(UniqueAddress observer, UniqueAddress subject, ReachabilityStatus status)
    {
        var version = Versions.GetValueOrDefault(observer) + 1;
        var newVersions = Versions.SetItem(observer, version);
        var rows = Records.Where(r => r.Observer.Equals(observer)).ToList();
        var record = new ReachabilityRecord(observer, subject, status, version);
        if (rows.Count == 0)
            return status == ReachabilityStatus.Reachable ? this : new Reachability(Records.Add(record), newVersions);

        var existing = rows.Find(r => r.Subject.Equals(subject));
        if (existing is null)
        {
            if (status == ReachabilityStatus.Reachable && rows.TrueForAll(r => r.Status == ReachabilityStatus.Reachable))
                return new Reachability(Records.RemoveAll(r => r.Observer.Equals(observer)), newVersions);
            return new Reachability(Records.Add(record), newVersions);
        }
        if (existing.Status == ReachabilityStatus.Terminated || existing.Status == status)
            return this;
        if (status == ReachabilityStatus.Reachable &&
            rows.TrueForAll(r => r.Status == ReachabilityStatus.Reachable || r.Subject.Equals(subject)))
            return new Reachability(Records.RemoveAll(r => r.Observer.Equals(observer)), newVersions);
        return new Reachability(Records.Replace(existing, record), newVersions);
    }

    /// <summary>
    /// Merges two tables: per observer the side with the higher version wins. Only observers and subjects in
    /// <paramref name="allowed"/> (the merged members) survive.
    /// </summary>
    public Reachability Merge(IReadOnlySet<UniqueAddress> allowed, Reachability other)
    {
        var records = ImmutableList.CreateBuilder<ReachabilityRecord>();
        var versions = ImmutableDictionary.CreateBuilder<UniqueAddress, long>();
        foreach (var observer in Versions.Keys.Union(other.Versions.Keys).OrderBy(o => o))
        {
            if (!allowed.Contains(observer)) continue;
            var v1 = Versions.GetValueOrDefault(observer);
            var v2 = other.Versions.GetValueOrDefault(observer);
            var winner = v1 >= v2 ? this : other;
            records.AddRange(winner.Records.Where(r => r.Observer.Equals(observer) && allowed.Contains(r.Subject)));
            versions[observer] = Math.Max(v1, v2);
        }
        return new Reachability(records.ToImmutable(), versions.ToImmutable());
    }

    /// <summary>Drops every row that mentions one of <paramref name="nodes"/>, as observer or subject.</summary>
    public Reachability Remove(IEnumerable<UniqueAddress> nodes)
    {
        var set = nodes.ToHashSet();
        if (set.Count == 0) return this;
        return new Reachability(
            Records.RemoveAll(r => set.Contains(r.Observer) || set.Contains(r.Subject)),
            Versions.RemoveRange(set));
    }

    /// <summary>Drops the rows observed by <paramref name="observers"/> (e.g. downed nodes, whose opinion no longer counts).</summary>
    public Reachability RemoveObservers(IEnumerable<UniqueAddress> observers)
    {
        var set = observers.ToHashSet();
        if (set.Count == 0) return this;
        return new Reachability(Records.RemoveAll(r => set.Contains(r.Observer)), Versions.RemoveRange(set));
    }

    /// <summary>Keeps only rows matching <paramref name="predicate"/>.</summary>
    public Reachability FilterRecords(Func<ReachabilityRecord, bool> predicate) =>
        new(Records.Where(predicate).ToImmutableList(), Versions);

    /// <summary>What <paramref name="observer"/> says about <paramref name="subject"/>.</summary>
    public ReachabilityStatus Status(UniqueAddress observer, UniqueAddress subject) =>
        Records.Find(r => r.Observer.Equals(observer) && r.Subject.Equals(subject))?.Status ?? ReachabilityStatus.Reachable;

    /// <summary>Aggregated status: Terminated by anyone wins, then Unreachable by anyone.</summary>
    public ReachabilityStatus Status(UniqueAddress subject)
    {
        var result = ReachabilityStatus.Reachable;
        foreach (var r in Records)
        {
            if (!r.Subject.Equals(subject)) continue;
            if (r.Status == ReachabilityStatus.Terminated) return ReachabilityStatus.Terminated;
            if (r.Status == ReachabilityStatus.Unreachable) result = ReachabilityStatus.Unreachable;
        }
        return result;
    }

    /// <summary>True unless some observer reports the node unreachable or terminated.</summary>
    public bool IsReachable(UniqueAddress node) => Status(node) == ReachabilityStatus.Reachable;

    /// <summary>True when <paramref name="observer"/> reaches <paramref name="subject"/>.</summary>
    public bool IsReachable(UniqueAddress observer, UniqueAddress subject) => Status(observer, subject) == ReachabilityStatus.Reachable;

    /// <summary>True when no node is unreachable or terminated.</summary>
    public bool IsAllReachable => Records.TrueForAll(r => r.Status == ReachabilityStatus.Reachable);

    /// <summary>Subjects whose aggregated status is Unreachable (not Terminated).</summary>
    public ImmutableHashSet<UniqueAddress> AllUnreachable =>
        Records.Where(r => r.Status == ReachabilityStatus.Unreachable).Select(r => r.Subject)
            .Where(s => Status(s) == ReachabilityStatus.Unreachable).ToImmutableHashSet();

    /// <summary>Subjects reported unreachable or terminated by anyone.</summary>
    public ImmutableHashSet<UniqueAddress> AllUnreachableOrTerminated =>
        Records.Where(r => r.Status != ReachabilityStatus.Reachable).Select(r => r.Subject).ToImmutableHashSet();

    /// <summary>Subjects that <paramref name="observer"/> reports unreachable.</summary>
    public ImmutableHashSet<UniqueAddress> AllUnreachableFrom(UniqueAddress observer) =>
        Records.Where(r => r.Observer.Equals(observer) && r.Status == ReachabilityStatus.Unreachable).Select(r => r.Subject).ToImmutableHashSet();

    /// <summary>Every observer with at least one row.</summary>
    public ImmutableHashSet<UniqueAddress> AllObservers => Records.Select(r => r.Observer).ToImmutableHashSet();

    /// <summary>For each unreachable or terminated subject, who reports it.</summary>
    public ImmutableDictionary<UniqueAddress, ImmutableHashSet<UniqueAddress>> ObserversGroupedByUnreachable =>
        Records.Where(r => r.Status != ReachabilityStatus.Reachable)
            .GroupBy(r => r.Subject)
            .ToImmutableDictionary(g => g.Key, g => g.Select(r => r.Observer).ToImmutableHashSet());

    /// <inheritdoc />
    public override string ToString() =>
        "Reachability(" + string.Join(", ", Records.Select(r => $"{r.Observer}->{r.Subject}:{r.Status}@{r.Version}")) + ")";
}
