using System.Collections.Immutable;

namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// A map of named <see cref="PNCounter"/>s: an <see cref="ORMap{TKey, TValue}"/> of counters. Concurrent increments
/// of one key on several replicas all count; a key removed on one replica while incremented on another stays with
/// the incrementing replica's count.
/// </summary>
public sealed class PNCounterMap<TKey> :
    IDeltaReplicatedData<PNCounterMap<TKey>, PNCounterMapDelta<TKey>>,
    IRequiresCausalDeliveryOfDeltas,
    IRemovedNodePruning<PNCounterMap<TKey>>,
    IEquatable<PNCounterMap<TKey>>
    where TKey : notnull
{
    /// <summary>The empty map.</summary>
    public static readonly PNCounterMap<TKey> Empty = new(ORMap<TKey, PNCounter>.Empty);

    /// <summary>Wraps an ORMap of counters (deserialization).</summary>
    public PNCounterMap(ORMap<TKey, PNCounter> underlying) => Underlying = underlying;

    /// <summary>The ORMap of counters this map is made of.</summary>
    public ORMap<TKey, PNCounter> Underlying { get; }

    /// <summary>The counter values.</summary>
    public ImmutableDictionary<TKey, long> Entries => Underlying.Entries.ToImmutableDictionary(e => e.Key, e => e.Value.Value);

    /// <summary>Number of counters.</summary>
    public int Count => Underlying.Count;

    /// <inheritdoc />
    public PNCounterMapDelta<TKey>? Delta => Underlying.Delta is { } delta ? new PNCounterMapDelta<TKey>(delta) : null;

    /// <summary>The value of the counter under <paramref name="key"/>, if present.</summary>
    public bool TryGetValue(TKey key, out long value)
    {
        var found = Underlying.TryGetValue(key, out var counter);
        value = found ? counter.Value : 0;
        return found;
    }

    /// <summary>Adds <paramref name="amount"/> (negative to subtract) to the counter under <paramref name="key"/>.</summary>
    public PNCounterMap<TKey> Increment(ReplicaId node, TKey key, long amount = 1) =>
        new(Underlying.AddOrUpdate(node, key, PNCounter.Empty, c => c.Increment(node, amount)));

    /// <summary>Subtracts <paramref name="amount"/> from the counter under <paramref name="key"/>.</summary>
    public PNCounterMap<TKey> Decrement(ReplicaId node, TKey key, long amount = 1) =>
        new(Underlying.AddOrUpdate(node, key, PNCounter.Empty, c => c.Decrement(node, amount)));

    /// <summary>Removes the counter under <paramref name="key"/>.</summary>
    public PNCounterMap<TKey> Remove(ReplicaId node, TKey key) => new(Underlying.Remove(node, key));

    /// <inheritdoc />
    public PNCounterMap<TKey> Merge(PNCounterMap<TKey> other) => new(Underlying.Merge(other.Underlying));

    /// <inheritdoc />
    public PNCounterMap<TKey> MergeDelta(PNCounterMapDelta<TKey> delta) => new(Underlying.MergeDelta(delta.Underlying));

    /// <inheritdoc />
    public PNCounterMap<TKey> ResetDelta() => Underlying.Delta is null ? this : new(Underlying.ResetDelta());

    /// <inheritdoc />
    public IReadOnlySet<ReplicaId> ModifiedByNodes => Underlying.ModifiedByNodes;

    /// <inheritdoc />
    public bool NeedPruningFrom(ReplicaId removedNode) => Underlying.NeedPruningFrom(removedNode);

    /// <inheritdoc />
    public PNCounterMap<TKey> Prune(ReplicaId removedNode, ReplicaId collapseInto) => new(Underlying.Prune(removedNode, collapseInto));

    /// <inheritdoc />
    public PNCounterMap<TKey> PruningCleanup(ReplicaId removedNode) => new(Underlying.PruningCleanup(removedNode));

    /// <inheritdoc />
    public bool Equals(PNCounterMap<TKey>? other) => other is not null && Underlying.Equals(other.Underlying);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PNCounterMap<TKey>);

    /// <inheritdoc />
    public override int GetHashCode() => Underlying.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => $"PNCounterMap({string.Join(", ", Entries.Select(e => $"{e.Key}->{e.Value}"))})";
}
