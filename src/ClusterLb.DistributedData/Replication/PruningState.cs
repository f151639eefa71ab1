using System.Collections.Immutable;
using ClusterLb.DistributedData.Crdt;

namespace ClusterLb.DistributedData.Replication;

/// <summary>Where pruning of one removed replica stands for one key (Akka's PruningInitialized / PruningPerformed).</summary>
internal abstract record PruningState
{
    /// <summary>Merges two markers for the same removed replica: performed wins; of two owners, the lower one.</summary>
    public static PruningState Merge(PruningState a, PruningState b) => (a, b) switch
    {
        (PruningPerformed x, PruningPerformed y) => x.ExpiresUnixMs >= y.ExpiresUnixMs ? x : y,
        (PruningPerformed, _) => a,
        (_, PruningPerformed) => b,
        (PruningInitialized x, PruningInitialized y) when x.Owner == y.Owner => x with { Seen = x.Seen.Union(y.Seen) },
        (PruningInitialized x, PruningInitialized y) => x.Owner.CompareTo(y.Owner) <= 0 ? x : y,
        _ => a,
    };
}

/// <summary>The owner (the leader) has started pruning; replicas add themselves to <see cref="Seen"/> as the marker reaches them.</summary>
internal sealed record PruningInitialized(ReplicaId Owner, ImmutableHashSet<ReplicaId> Seen) : PruningState
{
    public bool Equals(PruningInitialized? other) =>
        other is not null && Owner == other.Owner && Seen.SetEquals(other.Seen);

    public override int GetHashCode() => HashCode.Combine(Owner, Seen.Count);
}

/// <summary>The owner pruned the value; every replica cleans the removed replica's slots until the marker expires.</summary>
internal sealed record PruningPerformed(long ExpiresUnixMs) : PruningState;
