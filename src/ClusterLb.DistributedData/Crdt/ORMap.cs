using System.Collections.Immutable;

namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// An observed-remove map whose values are themselves replicated data. The keys form an <see cref="ORSet{T}"/>
/// (add-wins: a key written on one replica while removed on another stays), and values are merged key by key with
/// the value type's own merge.
/// </summary>
/// <remarks>
/// A remove hides the key; its value stays behind as a tombstone and keeps merging. Writing the key again reveals
/// the merged value (for a register the new write wins anyway; a counter continues from its old count). Akka drops
/// the value on remove and merges it back when the key survives through another replica's dot, which makes its
/// merge order-dependent (not associative) when a key is removed and concurrently written on two other replicas;
/// keeping the value makes the map the product of two CRDTs and every merge order agree.
/// </remarks>
public sealed class ORMap<TKey, TValue> :
    IDeltaReplicatedData<ORMap<TKey, TValue>, ORMapDelta<TKey, TValue>>,
    IRequiresCausalDeliveryOfDeltas,
    IRemovedNodePruning<ORMap<TKey, TValue>>,
    IEquatable<ORMap<TKey, TValue>>
    where TKey : notnull
    where TValue : IReplicatedData<TValue>
{
    /// <summary>The empty map.</summary>
    public static readonly ORMap<TKey, TValue> Empty = new(ORSet<TKey>.Empty, ImmutableDictionary<TKey, TValue>.Empty, null);

    // A cache of a pure function of immutable fields: a racing second computation yields an equal dictionary.
    private ImmutableDictionary<TKey, TValue>? _entries;

    private ORMap(ORSet<TKey> keys, ImmutableDictionary<TKey, TValue> values, ORMapDelta<TKey, TValue>? delta)
    {
        KeySet = keys;
        AllValues = values;
        Delta = delta;
    }

    /// <summary>The keys with their dots (never carrying a delta of its own).</summary>
    public ORSet<TKey> KeySet { get; }

    /// <summary>The values of present keys and the tombstone values of removed ones.</summary>
    public ImmutableDictionary<TKey, TValue> AllValues { get; }

    /// <summary>The entries of the present keys.</summary>
    public ImmutableDictionary<TKey, TValue> Entries => _entries ??= AllValues.Count == KeySet.Count
        ? AllValues
        : AllValues.Where(v => KeySet.Contains(v.Key)).ToImmutableDictionary();

    /// <summary>Number of entries.</summary>
    public int Count => KeySet.Count;

    /// <inheritdoc />
    public ORMapDelta<TKey, TValue>? Delta { get; }

    /// <summary>The value for <paramref name="key"/>, if present.</summary>
    public bool TryGetValue(TKey key, out TValue value)
    {
        if (KeySet.Contains(key))
        {
            return AllValues.TryGetValue(key, out value!);
        }

        value = default!;
        return false;
    }

    /// <summary>True when <paramref name="key"/> is present.</summary>
    public bool ContainsKey(TKey key) => KeySet.Contains(key);

    /// <summary>
    /// Builds a map from its key set and values (deserialization). Throws <see cref="ArgumentException"/> when a key
    /// has no value.
    /// </summary>
    public static ORMap<TKey, TValue> Create(ORSet<TKey> keys, ImmutableDictionary<TKey, TValue> values)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        var missing = keys.Elements.FirstOrDefault(k => !values.ContainsKey(k));
        if (missing is not null)
        {
            throw new ArgumentException($"ORMap key '{missing}' has no value.", nameof(values));
        }

        var stored = values.Values.Any(v => v is IDeltaReplicatedData { Delta: not null })
            ? values.ToImmutableDictionary(v => v.Key, v => WithoutDelta(v.Value))
            : values;
        return new ORMap<TKey, TValue>(keys.ResetDelta(), stored, null);
    }

    /// <summary>
    /// Sets <paramref name="key"/> to <paramref name="value"/> (Akka's <c>put</c>). Elsewhere the value is merged
    /// with the key's existing value, so for a non-register value prefer <see cref="AddOrUpdate"/>.
    /// </summary>
    public ORMap<TKey, TValue> SetItem(ReplicaId node, TKey key, TValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var stored = WithoutDelta(value);
        var keys = KeySet.Add(node, key);
        var delta = (Delta ?? ORMapDelta<TKey, TValue>.Empty).Merge(
            new ORMapDelta<TKey, TValue>(keys.Delta!, ImmutableDictionary<TKey, TValue>.Empty.Add(key, stored)));
        return new ORMap<TKey, TValue>(keys.ResetDelta(), AllValues.SetItem(key, stored), delta);
    }

    /// <summary>
    /// Applies <paramref name="modify"/> to the key's value (a removed key's tombstone value included, as every other
    /// replica will merge it), or to <paramref name="initial"/> when the key was never written (Akka's <c>update</c>).
    /// </summary>
    public ORMap<TKey, TValue> AddOrUpdate(ReplicaId node, TKey key, TValue initial, Func<TValue, TValue> modify)
    {
        ArgumentNullException.ThrowIfNull(modify);
        var current = AllValues.TryGetValue(key, out var existing) ? existing : initial;
        return SetItem(node, key, modify(current));
    }

    /// <summary>Removes <paramref name="key"/> on behalf of <paramref name="node"/>.</summary>
    public ORMap<TKey, TValue> Remove(ReplicaId node, TKey key)
    {
        if (!KeySet.Contains(key))
        {
            return this;
        }

        var keys = KeySet.Remove(node, key);
        var delta = (Delta ?? ORMapDelta<TKey, TValue>.Empty).Merge(
            new ORMapDelta<TKey, TValue>(keys.Delta!, ImmutableDictionary<TKey, TValue>.Empty));
        return new ORMap<TKey, TValue>(keys.ResetDelta(), AllValues, delta);
    }

    /// <inheritdoc />
    public ORMap<TKey, TValue> Merge(ORMap<TKey, TValue> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new ORMap<TKey, TValue>(KeySet.Merge(other.KeySet), MergeValues(AllValues, other.AllValues), null);
    }

    /// <inheritdoc />
    public ORMap<TKey, TValue> MergeDelta(ORMapDelta<TKey, TValue> delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        return new ORMap<TKey, TValue>(KeySet.MergeDelta(delta.Keys), MergeValues(AllValues, delta.Values), null);
    }

    private static ImmutableDictionary<TKey, TValue> MergeValues(ImmutableDictionary<TKey, TValue> ours, ImmutableDictionary<TKey, TValue> theirs)
    {
        if (ReferenceEquals(ours, theirs))
        {
            return ours;
        }

        var merged = ours;
        foreach (var (key, value) in theirs)
        {
            if (!merged.TryGetValue(key, out var mine))
            {
                merged = merged.SetItem(key, value);
            }
            else if (!ReferenceEquals(mine, value))
            {
                // SetItem returns the same dictionary when the merged value equals the current one.
                merged = merged.SetItem(key, mine.Merge(value));
            }
        }

        return merged;
    }

    /// <inheritdoc />
    public ORMap<TKey, TValue> ResetDelta() => Delta is null ? this : new ORMap<TKey, TValue>(KeySet, AllValues, null);

    /// <inheritdoc />
    public IReadOnlySet<ReplicaId> ModifiedByNodes
    {
        get
        {
            var nodes = new HashSet<ReplicaId>(KeySet.ModifiedByNodes);
            foreach (var value in AllValues.Values)
            {
                if (value is IRemovedNodePruning pruning)
                {
                    nodes.UnionWith(pruning.ModifiedByNodes);
                }
            }

            return nodes;
        }
    }

    /// <inheritdoc />
    public bool NeedPruningFrom(ReplicaId removedNode) =>
        KeySet.NeedPruningFrom(removedNode) ||
        AllValues.Values.Any(v => v is IRemovedNodePruning p && p.NeedPruningFrom(removedNode));

    /// <inheritdoc />
    public ORMap<TKey, TValue> Prune(ReplicaId removedNode, ReplicaId collapseInto) =>
        new(KeySet.Prune(removedNode, collapseInto), MapValues(v => v.Prune(removedNode, collapseInto)), null);

    /// <inheritdoc />
    public ORMap<TKey, TValue> PruningCleanup(ReplicaId removedNode) =>
        new(KeySet.PruningCleanup(removedNode), MapValues(v => v.PruningCleanup(removedNode)), null);

    private ImmutableDictionary<TKey, TValue> MapValues(Func<IRemovedNodePruning<TValue>, TValue> prune)
    {
        var values = AllValues;
        foreach (var (key, value) in AllValues)
        {
            if (value is IRemovedNodePruning<TValue> pruning)
            {
                values = values.SetItem(key, prune(pruning));
            }
        }

        return values;
    }

    private static TValue WithoutDelta(TValue value) =>
        value is IDeltaReplicatedData { Delta: not null } withDelta ? (TValue)withDelta.ResetDelta() : value;

    /// <inheritdoc />
    public bool Equals(ORMap<TKey, TValue>? other) =>
        other is not null &&
        (ReferenceEquals(this, other) ||
         (KeySet.Equals(other.KeySet) &&
          AllValues.Count == other.AllValues.Count &&
          AllValues.All(e => other.AllValues.TryGetValue(e.Key, out var theirs) && e.Value.Equals(theirs))));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ORMap<TKey, TValue>);

    /// <inheritdoc />
    public override int GetHashCode() => KeySet.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => $"ORMap({string.Join(", ", Entries.Select(e => $"{e.Key}->{e.Value}"))})";
}
