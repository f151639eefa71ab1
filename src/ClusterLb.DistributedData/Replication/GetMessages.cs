using ClusterLb.DistributedData.Crdt;

namespace ClusterLb.DistributedData.Replication;

/// <summary>Reads <paramref name="Key"/> at <paramref name="Consistency"/>; answered with <see cref="GetSuccess"/>, <see cref="NotFound"/>, <see cref="GetFailure"/> or <see cref="DataDeleted"/>.</summary>
public sealed record Get(IKey Key, ReadConsistency Consistency, object? Request = null);

/// <summary>The value read (merged from every replica that answered).</summary>
public sealed record GetSuccess(IKey Key, IReplicatedData Data, object? Request)
{
    /// <summary>The value as <typeparamref name="T"/>.</summary>
    public T Get<T>(Key<T> key)
        where T : IReplicatedData => (T)Data;
}

/// <summary>No replica that answered holds the key.</summary>
public sealed record NotFound(IKey Key, object? Request);

/// <summary>Too few replicas answered within the timeout; the local value is unchanged apart from what did arrive.</summary>
public sealed record GetFailure(IKey Key, object? Request);

/// <summary>The key was deleted; deletes are permanent.</summary>
public sealed record DataDeleted(IKey Key, object? Request);
