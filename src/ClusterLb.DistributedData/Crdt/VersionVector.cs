using System.Collections.Immutable;

namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// A version vector: per replica, the highest version (update count) seen from it. It records causal history, so
/// ORSet and ORMap can tell "removed after seeing this add" from "never saw this add".
/// </summary>
public sealed class VersionVector : IReplicatedData<VersionVector>, IRemovedNodePruning<VersionVector>, IEquatable<VersionVector>
{
    /// <summary>The vector that has seen nothing.</summary>
    public static readonly VersionVector Empty = new(ImmutableSortedDictionary<ReplicaId, long>.Empty);

    private VersionVector(ImmutableSortedDictionary<ReplicaId, long> versions) => Versions = versions;

    /// <summary>The versions per replica, ordered by replica; absent replicas are at version 0.</summary>
    public ImmutableSortedDictionary<ReplicaId, long> Versions { get; }

    /// <summary>True when no version has been recorded.</summary>
    public bool IsEmpty => Versions.IsEmpty;

    /// <summary>Number of replicas with a version.</summary>
    public int Count => Versions.Count;

    /// <summary>A vector holding a single version (a "dot").</summary>
    public static VersionVector Dot(ReplicaId node, long version)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (version <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, "Versions start at 1.");
        }

        return new VersionVector(ImmutableSortedDictionary<ReplicaId, long>.Empty.Add(node, version));
    }

    /// <summary>Builds a vector from (replica, version) pairs; zero versions are dropped, negative ones rejected.</summary>
    public static VersionVector Create(IEnumerable<KeyValuePair<ReplicaId, long>> versions)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<ReplicaId, long>();
        foreach (var (node, version) in versions)
        {
            ArgumentNullException.ThrowIfNull(node);
            if (version < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(versions), version, $"Negative version for {node}.");
            }

            if (version > 0)
            {
                builder[node] = Math.Max(version, builder.GetValueOrDefault(node));
            }
        }

        return builder.Count == 0 ? Empty : new VersionVector(builder.ToImmutable());
    }

    /// <summary>The version seen from <paramref name="node"/>, 0 when none.</summary>
    public long VersionAt(ReplicaId node) => Versions.GetValueOrDefault(node);

    /// <summary>This vector with <paramref name="node"/>'s version increased by one.</summary>
    public VersionVector Increment(ReplicaId node) => new(Versions.SetItem(node, checked(VersionAt(node) + 1)));

    /// <summary>True when this vector has seen version <paramref name="version"/> of <paramref name="node"/>.</summary>
    public bool Covers(ReplicaId node, long version) => VersionAt(node) >= version;

    /// <summary>Compares causal histories.</summary>
    public VersionOrdering Compare(VersionVector other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var thisAhead = false;
        var otherAhead = false;
        foreach (var (node, version) in Versions)
        {
            var theirs = other.VersionAt(node);
            thisAhead |= version > theirs;
            otherAhead |= version < theirs;
        }

        foreach (var (node, version) in other.Versions)
        {
            otherAhead |= version > VersionAt(node);
        }

        return (thisAhead, otherAhead) switch
        {
            (false, false) => VersionOrdering.Same,
            (true, false) => VersionOrdering.After,
            (false, true) => VersionOrdering.Before,
            _ => VersionOrdering.Concurrent,
        };
    }

    /// <summary>Per replica, the higher of the two versions.</summary>
    public VersionVector Merge(VersionVector other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Versions.Count > Versions.Count)
        {
            return other.Merge(this);
        }

        var merged = Versions;
        foreach (var (node, version) in other.Versions)
        {
            if (version > merged.GetValueOrDefault(node))
            {
                merged = merged.SetItem(node, version);
            }
        }

        return ReferenceEquals(merged, Versions) ? this : new VersionVector(merged);
    }

    /// <inheritdoc />
    public IReadOnlySet<ReplicaId> ModifiedByNodes => Versions.Keys.ToHashSet();

    /// <inheritdoc />
    public bool NeedPruningFrom(ReplicaId removedNode) => Versions.ContainsKey(removedNode);

    /// <summary>
    /// Drops the removed replica and bumps <paramref name="collapseInto"/>, so the pruned vector is strictly newer
    /// than every vector that still carries the removed replica and merges cannot bring it back.
    /// </summary>
    public VersionVector Prune(ReplicaId removedNode, ReplicaId collapseInto) =>
        NeedPruningFrom(removedNode) ? new VersionVector(Versions.Remove(removedNode)).Increment(collapseInto) : this;

    /// <inheritdoc />
    public VersionVector PruningCleanup(ReplicaId removedNode) =>
        NeedPruningFrom(removedNode) ? Without(removedNode) : this;

    internal VersionVector Without(ReplicaId node)
    {
        var remaining = Versions.Remove(node);
        return remaining.IsEmpty ? Empty : new VersionVector(remaining);
    }

    /// <inheritdoc />
    public bool Equals(VersionVector? other) =>
        other is not null && (ReferenceEquals(this, other) || (Count == other.Count && Compare(other) == VersionOrdering.Same));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as VersionVector);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (node, version) in Versions)
        {
            hash.Add(node);
            hash.Add(version);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => $"VV({string.Join(", ", Versions.Select(v => $"{v.Key}->{v.Value}"))})";
}
