namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// What happened to one element in an <see cref="ORSetDelta{T}"/>: first every dot the remover had seen is removed,
/// then the new add dots (if any) are introduced.
/// </summary>
/// <param name="RemovedBy">The remover's version vector at the time of the remove, or null when not removed.</param>
/// <param name="Added">The dots of the adds made after that remove, or null when not added.</param>
public sealed record ORSetElementOp(VersionVector? RemovedBy, VersionVector? Added)
{
    /// <summary><paramref name="later"/> applied after this op, coalesced into one op.</summary>
    public ORSetElementOp Then(ORSetElementOp later) => later.RemovedBy is not null
        ? later
        : new ORSetElementOp(RemovedBy, Added is null ? later.Added : later.Added is null ? Added : Added.Merge(later.Added));
}
