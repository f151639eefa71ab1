using ClusterLb.Actors;
using ClusterLb.DistributedData.Crdt;

namespace ClusterLb.DistributedData.Replication;

/// <summary>
/// Registers <paramref name="Subscriber"/> for <see cref="Changed"/> notifications of <paramref name="Key"/>, batched per
/// notify-subscribers-interval; the current value (if any) is sent with the next batch. Stopped subscribers are removed.
/// </summary>
public sealed record Subscribe(IKey Key, IActorRef Subscriber);

/// <summary>Removes a subscription.</summary>
public sealed record Unsubscribe(IKey Key, IActorRef Subscriber);

/// <summary>The value of <paramref name="Key"/> changed; only the latest value of a batch is sent.</summary>
public sealed record Changed(IKey Key, IReplicatedData Data)
{
    /// <summary>The value as <typeparamref name="T"/>.</summary>
    public T Get<T>(Key<T> key)
        where T : IReplicatedData => (T)Data;
}

/// <summary>A subscribed key was deleted.</summary>
public sealed record Deleted(IKey Key);

/// <summary>Sends pending <see cref="Changed"/> notifications now instead of at the next interval.</summary>
public sealed record FlushChanges
{
    /// <summary>The single instance.</summary>
    public static readonly FlushChanges Instance = new();
}

/// <summary>Asks for the number of replicas this replicator knows, itself included; answered with <see cref="ReplicaCount"/>.</summary>
public sealed record GetReplicaCount
{
    /// <summary>The single instance.</summary>
    public static readonly GetReplicaCount Instance = new();
}

/// <summary>Known replicas, this one included.</summary>
public sealed record ReplicaCount(int Count);
