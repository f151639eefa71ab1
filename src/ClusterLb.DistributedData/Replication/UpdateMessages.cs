using ClusterLb.DistributedData.Crdt;

namespace ClusterLb.DistributedData.Replication;

/// <summary>
/// Applies <paramref name="Modify"/> to the local value of <paramref name="Key"/> (or to <paramref name="Initial"/>
/// when absent) and replicates it at <paramref name="Consistency"/>. Answered with <see cref="UpdateSuccess"/>,
/// <see cref="UpdateTimeout"/>, <see cref="ModifyFailure"/> or <see cref="DataDeleted"/>.
/// </summary>
/// <remarks>Modify runs inside the replicator: keep it a pure, fast function of its argument.</remarks>
public sealed record Update(
    IKey Key,
    IReplicatedData Initial,
    WriteConsistency Consistency,
    Func<IReplicatedData, IReplicatedData> Modify,
    object? Request = null)
{
    /// <summary>A typed update of <paramref name="key"/>.</summary>
    public static Update Create<T>(Key<T> key, T initial, WriteConsistency consistency, Func<T, T> modify, object? request = null)
        where T : IReplicatedData =>
        new(key, initial, consistency, data => modify((T)data), request);
}

/// <summary>The update is applied locally and reached <paramref name="Reached"/>.</summary>
public sealed record UpdateSuccess(IKey Key, ConsistencyReached Reached, object? Request);

/// <summary>
/// The update is applied locally (it is not rolled back and gossip still spreads it) but the requested consistency
/// was not confirmed in time: <paramref name="Acknowledged"/> of <paramref name="Required"/> replicas held it.
/// </summary>
public sealed record UpdateTimeout(IKey Key, int Acknowledged, int Required, object? Request)
{
    /// <summary>What was reached: always the local replica.</summary>
    public ConsistencyReached Reached => ConsistencyReached.Local;
}

/// <summary>Modify threw or returned data of another type; nothing changed.</summary>
public sealed record ModifyFailure(IKey Key, string ErrorMessage, Exception? Cause, object? Request);

/// <summary>Deletes <paramref name="Key"/> for good (a tombstone); answered with <see cref="DeleteSuccess"/> or <see cref="DeleteTimeout"/>.</summary>
public sealed record Delete(IKey Key, WriteConsistency Consistency, object? Request = null);

/// <summary>The delete reached <paramref name="Reached"/>.</summary>
public sealed record DeleteSuccess(IKey Key, ConsistencyReached Reached, object? Request);

/// <summary>The delete is applied locally but the requested consistency was not confirmed in time.</summary>
public sealed record DeleteTimeout(IKey Key, int Acknowledged, int Required, object? Request);

/// <summary>
/// The update or delete of a durable key is applied in memory (and replicated) but writing it to the durable store
/// failed; it may be lost if this node restarts before a later write of the key succeeds.
/// </summary>
public sealed record StoreFailure(IKey Key, object? Request);
