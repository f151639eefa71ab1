namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// Data that keeps per-replica slots (counters, dots). When a node leaves the cluster for good its slots would
/// stay forever; pruning folds them into another replica's slot without changing the value.
/// </summary>
/// <remarks>
/// Protocol (run by the replicator): the leader calls <see cref="Prune"/> with itself as collapse target once
/// every node has seen the removed node's last updates; every other replica calls <see cref="PruningCleanup"/> on
/// its own state before merging the pruned one, so stale slots of the removed node cannot come back. Pruning an ORSet
/// or ORMap re-tags elements with versions its delta stream never carried, so the pruned value must travel as full
/// state, in order, before the next delta of that key.
/// </remarks>
public interface IRemovedNodePruning
{
    /// <summary>The replicas that own a slot in this value.</summary>
    IReadOnlySet<ReplicaId> ModifiedByNodes { get; }

    /// <summary>True when <paramref name="removedNode"/> still owns a slot.</summary>
    bool NeedPruningFrom(ReplicaId removedNode);
}

/// <summary>The strongly typed form of <see cref="IRemovedNodePruning"/>.</summary>
public interface IRemovedNodePruning<T> : IRemovedNodePruning
{
    /// <summary>Moves <paramref name="removedNode"/>'s contribution into <paramref name="collapseInto"/>'s slot.</summary>
    T Prune(ReplicaId removedNode, ReplicaId collapseInto);

    /// <summary>Drops <paramref name="removedNode"/>'s slots; the pruned state merged afterwards carries their value.</summary>
    T PruningCleanup(ReplicaId removedNode);
}
