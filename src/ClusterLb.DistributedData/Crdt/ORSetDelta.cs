using System.Collections.Immutable;

namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// The delta of an <see cref="ORSet{T}"/>: a clear (optional), then per touched element its remove and add dots,
/// and the dots to record in the receiver's version vector. Only the last op per element is kept: a later remove
/// subsumes earlier ops on that element because the remover had seen them.
/// </summary>
/// <remarks>
/// Deltas from one origin must be applied in order and without gaps (<see cref="IRequiresCausalDeliveryOfDeltas"/>).
/// Merging two deltas means "this, then <c>other</c>"; it is not commutative, which is fine because the replicator
/// only merges deltas of one origin, in order.
/// </remarks>
public sealed class ORSetDelta<T> : IReplicatedDelta, IEquatable<ORSetDelta<T>>
    where T : notnull
{
    internal static readonly ORSetDelta<T> Empty = new(null, ImmutableDictionary<T, ORSetElementOp>.Empty, VersionVector.Empty);

    /// <summary>Builds a delta (deserialization, tests).</summary>
    public ORSetDelta(VersionVector? clearedBy, ImmutableDictionary<T, ORSetElementOp> ops, VersionVector context)
    {
        ClearedBy = clearedBy;
        Ops = ops;
        Context = context;
    }

    /// <summary>The version vector of a clear that precedes the element ops, or null.</summary>
    public VersionVector? ClearedBy { get; }

    /// <summary>Per touched element, what happened to it.</summary>
    public ImmutableDictionary<T, ORSetElementOp> Ops { get; }

    /// <summary>Every dot created by the adds in this delta, including adds later removed again.</summary>
    public VersionVector Context { get; }

    /// <inheritdoc />
    public IDeltaReplicatedData Zero => ORSet<T>.Empty;

    /// <summary>This delta followed by <paramref name="later"/>.</summary>
    public ORSetDelta<T> Merge(ORSetDelta<T> later)
    {
        ArgumentNullException.ThrowIfNull(later);
        var context = Context.Merge(later.Context);
        if (later.ClearedBy is not null)
        {
            return new ORSetDelta<T>(later.ClearedBy, later.Ops, context);
        }

        var ops = Ops;
        foreach (var (element, op) in later.Ops)
        {
            ops = ops.SetItem(element, ops.TryGetValue(element, out var earlier) ? earlier.Then(op) : op);
        }

        return new ORSetDelta<T>(ClearedBy, ops, context);
    }

    /// <inheritdoc />
    IReplicatedData IReplicatedData.Merge(IReplicatedData other) =>
        other is ORSetDelta<T> typed ? Merge(typed) : throw TypeMismatch.For(GetType(), other);

    internal ORSetDelta<T> WithOp(T element, ORSetElementOp op, VersionVector? addedDot) =>
        Merge(new ORSetDelta<T>(null, ImmutableDictionary<T, ORSetElementOp>.Empty.Add(element, op), addedDot ?? VersionVector.Empty));

    /// <inheritdoc />
    public bool Equals(ORSetDelta<T>? other) =>
        other is not null &&
        Equals(ClearedBy, other.ClearedBy) &&
        Context.Equals(other.Context) &&
        Ops.Count == other.Ops.Count &&
        Ops.All(op => other.Ops.TryGetValue(op.Key, out var theirs) && op.Value.Equals(theirs));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ORSetDelta<T>);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Ops.Count, Context);
}
