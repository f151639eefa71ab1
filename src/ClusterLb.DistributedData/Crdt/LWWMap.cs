using System.Collections.Immutable;

namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// A map of last-writer-wins values: an <see cref="ORMap{TKey, TValue}"/> of <see cref="LWWRegister{T}"/>. A key
/// written on two replicas concurrently ends with the later write (ties: lower replica id); a key removed on one
/// replica while written on another stays, with the written value.
/// </summary>
public sealed class LWWMap<TKey, TValue> :
    IDeltaReplicatedData<LWWMap<TKey, TValue>, LWWMapDelta<TKey, TValue>>,
    IRequiresCausalDeliveryOfDeltas,
    IRemovedNodePruning<LWWMap<TKey, TValue>>,
    IEquatable<LWWMap<TKey, TValue>>
    where TKey : notnull
{
    /// <summary>The empty map.</summary>
    public static readonly LWWMap<TKey, TValue> Empty = new(ORMap<TKey, LWWRegister<TValue>>.Empty);

    /// <summary>Wraps an ORMap of registers (deserialization).</summary>
    public LWWMap(ORMap<TKey, LWWRegister<TValue>> underlying) => Underlying = underlying;

    /// <summary>The ORMap of registers this map is made of.</summary>
    public ORMap<TKey, LWWRegister<TValue>> Underlying { get; }

    /// <summary>The entries (values only).</summary>
    public ImmutableDictionary<TKey, TValue> Entries => Underlying.Entries.ToImmutableDictionary(e => e.Key, e => e.Value.Value);

    /// <summary>Number of entries.</summary>
    public int Count => Underlying.Count;

    /// <inheritdoc />
    public LWWMapDelta<TKey, TValue>? Delta => Underlying.Delta is { } delta ? new LWWMapDelta<TKey, TValue>(delta) : null;

    /// <summary>The value for <paramref name="key"/>, if present.</summary>
    public bool TryGetValue(TKey key, out TValue value)
    {
        if (Underlying.TryGetValue(key, out var register))
        {
            value = register.Value;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>
    /// Writes <paramref name="value"/> under <paramref name="key"/> with a timestamp newer than the key's current one,
    /// including the tombstone of a removed key, so the new write always shows.
    /// </summary>
    public LWWMap<TKey, TValue> SetItem(ReplicaId node, TKey key, TValue value, LwwClock<TValue>? clock = null)
    {
        var register = Underlying.AllValues.TryGetValue(key, out var current)
            ? current.WithValue(node, value, clock)
            : new LWWRegister<TValue>(node, value, clock);
        return new LWWMap<TKey, TValue>(Underlying.SetItem(node, key, register));
    }

    /// <summary>Removes <paramref name="key"/> on behalf of <paramref name="node"/>.</summary>
    public LWWMap<TKey, TValue> Remove(ReplicaId node, TKey key) => new(Underlying.Remove(node, key));

    /// <inheritdoc />
    public LWWMap<TKey, TValue> Merge(LWWMap<TKey, TValue> other) => new(Underlying.Merge(other.Underlying));

    /// <inheritdoc />
    public LWWMap<TKey, TValue> MergeDelta(LWWMapDelta<TKey, TValue> delta) => new(Underlying.MergeDelta(delta.Underlying));

    /// <inheritdoc />
    public LWWMap<TKey, TValue> ResetDelta() => Underlying.Delta is null ? this : new(Underlying.ResetDelta());

    /// <inheritdoc />
    public IReadOnlySet<ReplicaId> ModifiedByNodes => Underlying.ModifiedByNodes;

    /// <inheritdoc />
    public bool NeedPruningFrom(ReplicaId removedNode) => Underlying.NeedPruningFrom(removedNode);

    /// <inheritdoc />
    public LWWMap<TKey, TValue> Prune(ReplicaId removedNode, ReplicaId collapseInto) => new(Underlying.Prune(removedNode, collapseInto));

    /// <inheritdoc />
    public LWWMap<TKey, TValue> PruningCleanup(ReplicaId removedNode) => new(Underlying.PruningCleanup(removedNode));

    /// <inheritdoc />
    public bool Equals(LWWMap<TKey, TValue>? other) => other is not null && Underlying.Equals(other.Underlying);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as LWWMap<TKey, TValue>);

    /// <inheritdoc />
    public override int GetHashCode() => Underlying.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => $"LWWMap({string.Join(", ", Entries.Select(e => $"{e.Key}->{e.Value}"))})";
}
