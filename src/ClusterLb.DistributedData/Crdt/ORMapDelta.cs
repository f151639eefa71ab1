using System.Collections.Immutable;

namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// The delta of an <see cref="ORMap{TKey, TValue}"/>: the delta of its key set plus, for every key written since the
/// last reset, the entry's full value after the last write.
/// </summary>
/// <remarks>
/// Akka ships value deltas; we ship the touched entry's whole value. Values are meant to be small (a register, a
/// counter), and a whole value makes applying the delta exactly equal to a full merge even when the receiver removed
/// the key, where a value delta would leave the receiver with a partial value until anti-entropy.
/// </remarks>
public sealed class ORMapDelta<TKey, TValue> : IReplicatedDelta, IEquatable<ORMapDelta<TKey, TValue>>
    where TKey : notnull
    where TValue : IReplicatedData<TValue>
{
    internal static readonly ORMapDelta<TKey, TValue> Empty = new(ORSetDelta<TKey>.Empty, ImmutableDictionary<TKey, TValue>.Empty);

    /// <summary>Builds a delta (deserialization, tests).</summary>
    public ORMapDelta(ORSetDelta<TKey> keys, ImmutableDictionary<TKey, TValue> values)
    {
        Keys = keys;
        Values = values;
    }

    /// <summary>The delta of the key set.</summary>
    public ORSetDelta<TKey> Keys { get; }

    /// <summary>Per key written, its value after the last write (kept when the key was removed afterwards).</summary>
    public ImmutableDictionary<TKey, TValue> Values { get; }

    /// <inheritdoc />
    public IDeltaReplicatedData Zero => ORMap<TKey, TValue>.Empty;

    /// <summary>This delta followed by <paramref name="later"/>.</summary>
    public ORMapDelta<TKey, TValue> Merge(ORMapDelta<TKey, TValue> later)
    {
        ArgumentNullException.ThrowIfNull(later);

        // A later remove keeps the earlier value: the origin keeps it as the key's tombstone value too.
        return new ORMapDelta<TKey, TValue>(Keys.Merge(later.Keys), Values.SetItems(later.Values));
    }

    /// <inheritdoc />
    IReplicatedData IReplicatedData.Merge(IReplicatedData other) =>
        other is ORMapDelta<TKey, TValue> typed ? Merge(typed) : throw TypeMismatch.For(GetType(), other);

    /// <inheritdoc />
    public bool Equals(ORMapDelta<TKey, TValue>? other) =>
        other is not null &&
        Keys.Equals(other.Keys) &&
        Values.Count == other.Values.Count &&
        Values.All(v => other.Values.TryGetValue(v.Key, out var theirs) && v.Value.Equals(theirs));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ORMapDelta<TKey, TValue>);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Keys, Values.Count);
}
