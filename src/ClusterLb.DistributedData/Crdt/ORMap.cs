using System.Collections.Immutable;

namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// An observed-remove map whose values are themselves replicated data. The keys form an <see cref="ORSet{T}"/>
/// (add-wins: a key written on one replica while removed on another stays), and the values of a key present on both
/// sides are merged with the value type's own merge.
/// </summary>
/// <remarks>
/// A removed key's value is forgotten by the remover only. If another replica concurrently updated the key, the key
/// survives with that replica's value merged with whatever the remover writes afterwards, the same as in Akka.
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

    private ORMap(ORSet<TKey> keys, ImmutableDictionary<TKey, TValue> values, ORMapDelta<TKey, TValue>? delta)
    {
        KeySet = keys;
        Entries = values;
        Delta = delta;
    }

    /// <summary>The keys with their dots (never carrying a delta of its own).</summary>
    public ORSet<TKey> KeySet { get; }

    /// <summary>The entries.</summary>
    public ImmutableDictionary<TKey, TValue> Entries { get; }

    /// <summary>Number of entries.</summary>
    public int Count => Entries.Count;

    /// <inheritdoc />
    public ORMapDelta<TKey, TValue>? Delta { get; }

    /// <summary>The value for <paramref name="key"/>, if present.</summary>
    public bool TryGetValue(TKey key, out TValue value) => Entries.TryGetValue(key, out value!);

    /// <summary>True when <paramref name="key"/> is present.</summary>
    public bool ContainsKey(TKey key) => Entries.ContainsKey(key);

    /// <summary>
    /// Builds a map from its key set and values (deserialization). Throws <see cref="ArgumentException"/> unless
    /// every key has exactly one value.
    /// </summary>
    public static ORMap<TKey, TValue> Create(ORSet<TKey> keys, ImmutableDictionary<TKey, TValue> values)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        if (keys.Count != values.Count || keys.Elements.Any(k => !values.ContainsKey(k)))
        {
            throw new ArgumentException($"An ORMap needs one value per key: {keys.Count} keys, {values.Count} values.", nameof(values));
        }

        return new ORMap<TKey, TValue>(keys.ResetDelta(), values.ToImmutableDictionary(v => v.Key, v => WithoutDelta(v.Value)), null);
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
        return new ORMap<TKey, TValue>(keys.ResetDelta(), Entries.SetItem(key, stored), delta);
    }

    /// <summary>
    /// Applies <paramref name="modify"/> to the key's value, or to <paramref name="initial"/> when the key is absent
    /// (Akka's <c>update</c>).
    /// </summary>
    public ORMap<TKey, TValue> AddOrUpdate(ReplicaId node, TKey key, TValue initial, Func<TValue, TValue> modify)
    {
        ArgumentNullException.ThrowIfNull(modify);
        var current = Entries.TryGetValue(key, out var existing) ? existing : initial;
        return SetItem(node, key, modify(current));
    }

    /// <summary>Removes <paramref name="key"/> and its value on behalf of <paramref name="node"/>.</summary>
    public ORMap<TKey, TValue> Remove(ReplicaId node, TKey key)
    {
        if (!Entries.ContainsKey(key))
        {
            return this;
        }

        var keys = KeySet.Remove(node, key);
        var delta = (Delta ?? ORMapDelta<TKey, TValue>.Empty).Merge(
            new ORMapDelta<TKey, TValue>(keys.Delta!, ImmutableDictionary<TKey, TValue>.Empty));
        return new ORMap<TKey, TValue>(keys.ResetDelta(), Entries.Remove(key), delta);
    }

    /// <inheritdoc />
    public ORMap<TKey, TValue> Merge(ORMap<TKey, TValue> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var keys = KeySet.Merge(other.KeySet);
        var values = ImmutableDictionary.CreateBuilder<TKey, TValue>();
        foreach (var key in keys.Elements)
        {
            var ours = Entries.TryGetValue(key, out var a);
            var theirs = other.Entries.TryGetValue(key, out var b);
            values.Add(key, ours && theirs ? a!.Merge(b!) : ours ? a! : b!);
        }

        return new ORMap<TKey, TValue>(keys, values.ToImmutable(), null);
    }

    /// <inheritdoc />
    public ORMap<TKey, TValue> MergeDelta(ORMapDelta<TKey, TValue> delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        var keys = KeySet.MergeDelta(delta.Keys);
        var values = Entries;
        foreach (var (key, value) in delta.Values)
        {
            values = values.SetItem(key, values.TryGetValue(key, out var ours) ? ours.Merge(value) : value);
        }

        // Only keys the delta touched (or all of them, after a clear) can have lost their last dot.
        var candidates = delta.Keys.ClearedBy is null ? delta.Keys.Ops.Keys : Entries.Keys;
        foreach (var key in candidates)
        {
            if (!keys.Contains(key))
            {
                values = values.Remove(key);
            }
        }

        return new ORMap<TKey, TValue>(keys, values, null);
    }

    /// <inheritdoc />
    public ORMap<TKey, TValue> ResetDelta() => Delta is null ? this : new ORMap<TKey, TValue>(KeySet, Entries, null);

    /// <inheritdoc />
    public IReadOnlySet<ReplicaId> ModifiedByNodes
    {
        get
        {
            var nodes = new HashSet<ReplicaId>(KeySet.ModifiedByNodes);
            foreach (var value in Entries.Values)
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
        Entries.Values.Any(v => v is IRemovedNodePruning p && p.NeedPruningFrom(removedNode));

    /// <inheritdoc />
    public ORMap<TKey, TValue> Prune(ReplicaId removedNode, ReplicaId collapseInto) =>
        new(KeySet.Prune(removedNode, collapseInto), MapValues(v => v.Prune(removedNode, collapseInto)), null);

    /// <inheritdoc />
    public ORMap<TKey, TValue> PruningCleanup(ReplicaId removedNode) =>
        new(KeySet.PruningCleanup(removedNode), MapValues(v => v.PruningCleanup(removedNode)), null);

    private ImmutableDictionary<TKey, TValue> MapValues(Func<IRemovedNodePruning<TValue>, TValue> prune)
    {
        var values = Entries;
        foreach (var (key, value) in Entries)
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
          Entries.All(e => other.Entries.TryGetValue(e.Key, out var theirs) && e.Value.Equals(theirs))));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ORMap<TKey, TValue>);

    /// <inheritdoc />
    public override int GetHashCode() => KeySet.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => $"ORMap({string.Join(", ", Entries.Select(e => $"{e.Key}->{e.Value}"))})";
}
