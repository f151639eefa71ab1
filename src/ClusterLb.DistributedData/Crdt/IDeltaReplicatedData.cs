namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// Replicated data that accumulates, next to its state, the delta of the updates made since the last
/// <see cref="ResetDelta"/>, so the replicator can ship that small delta instead of the full state.
/// </summary>
/// <remarks>
/// The delta is carried by the value and is not part of its equality. Applying a delta to a replica that has
/// already merged the origin's state from before those updates gives exactly the state a full merge would give.
/// </remarks>
public interface IDeltaReplicatedData : IReplicatedData
{
    /// <summary>The accumulated delta, or null when nothing changed since the last reset.</summary>
    IReplicatedDelta? Delta { get; }

    /// <summary>Applies a delta produced by another replica of this data.</summary>
    IReplicatedData MergeDelta(IReplicatedDelta delta);

    /// <summary>This state without the accumulated delta.</summary>
    IReplicatedData ResetDelta();
}

/// <summary>The strongly typed form of <see cref="IDeltaReplicatedData"/>.</summary>
public interface IDeltaReplicatedData<T, TDelta> : IDeltaReplicatedData, IReplicatedData<T>
    where T : IDeltaReplicatedData<T, TDelta>
    where TDelta : class, IReplicatedDelta
{
    /// <summary>The accumulated delta, or null when nothing changed since the last reset.</summary>
    new TDelta? Delta { get; }

    /// <summary>Applies a delta produced by another replica of this data.</summary>
    T MergeDelta(TDelta delta);

    /// <summary>This state without the accumulated delta.</summary>
    new T ResetDelta();

    IReplicatedDelta? IDeltaReplicatedData.Delta => Delta;

    IReplicatedData IDeltaReplicatedData.MergeDelta(IReplicatedDelta delta) => delta is TDelta typed
        ? MergeDelta(typed)
        : throw TypeMismatch.For(typeof(TDelta), delta);

    IReplicatedData IDeltaReplicatedData.ResetDelta() => ResetDelta();
}
