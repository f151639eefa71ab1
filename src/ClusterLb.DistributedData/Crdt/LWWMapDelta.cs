namespace ClusterLb.DistributedData.Crdt;

/// <summary>The delta of an <see cref="LWWMap{TKey, TValue}"/>: the delta of its ORMap of registers.</summary>
public sealed record LWWMapDelta<TKey, TValue>(ORMapDelta<TKey, LWWRegister<TValue>> Underlying) : IReplicatedDelta
    where TKey : notnull
{
    /// <inheritdoc />
    public IDeltaReplicatedData Zero => LWWMap<TKey, TValue>.Empty;

    /// <inheritdoc />
    public IReplicatedData Merge(IReplicatedData other) => other is LWWMapDelta<TKey, TValue> later
        ? new LWWMapDelta<TKey, TValue>(Underlying.Merge(later.Underlying))
        : throw TypeMismatch.For(GetType(), other);
}
