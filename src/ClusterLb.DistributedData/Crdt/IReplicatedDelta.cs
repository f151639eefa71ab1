namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// A delta: the part of a state that one or more local updates changed. Deltas from the same origin merge into
/// one (the replicator batches them between propagation ticks).
/// </summary>
public interface IReplicatedDelta : IReplicatedData
{
    /// <summary>The empty full state a delta is applied to when a replica does not hold the key yet.</summary>
    IDeltaReplicatedData Zero { get; }
}

/// <summary>
/// Marks data whose deltas must be applied in the order their origin produced them, with no gaps. The replicator
/// drops an out-of-order delta of such data and lets full-state anti-entropy repair the replica instead; applying
/// it would record versions in the version vector that the replica never saw.
/// </summary>
public interface IRequiresCausalDeliveryOfDeltas
{
}
