namespace ClusterLb.DistributedData.Crdt;

/// <summary>The delta of a <see cref="PNCounterMap{TKey}"/>: the delta of its ORMap of counters.</summary>
public sealed record PNCounterMapDelta<TKey>(ORMapDelta<TKey, PNCounter> Underlying) : IReplicatedDelta
    where TKey : notnull
{
    /// <inheritdoc />
    public IDeltaReplicatedData Zero => PNCounterMap<TKey>.Empty;

    /// <inheritdoc />
    public IReplicatedData Merge(IReplicatedData other) => other is PNCounterMapDelta<TKey> later
        ? new PNCounterMapDelta<TKey>(Underlying.Merge(later.Underlying))
        : throw TypeMismatch.For(GetType(), other);
}
