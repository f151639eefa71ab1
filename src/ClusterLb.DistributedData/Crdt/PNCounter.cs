namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// A counter that goes up and down: two <see cref="GCounter"/>s, one for increments and one for decrements. The
/// value is their difference. Its delta is a PNCounter of the two counters' deltas.
/// </summary>
public sealed class PNCounter :
    IDeltaReplicatedData<PNCounter, PNCounter>,
    IReplicatedDelta,
    IRemovedNodePruning<PNCounter>,
    IEquatable<PNCounter>
{
    /// <summary>The counter at zero.</summary>
    public static readonly PNCounter Empty = new(GCounter.Empty, GCounter.Empty, null);

    private PNCounter(GCounter increments, GCounter decrements, PNCounter? delta)
    {
        Increments = increments;
        Decrements = decrements;
        Delta = delta;
    }

    /// <summary>The grow-only counter of increments.</summary>
    public GCounter Increments { get; }

    /// <summary>The grow-only counter of decrements.</summary>
    public GCounter Decrements { get; }

    /// <summary>Increments minus decrements; throws <see cref="OverflowException"/> outside the range of a long.</summary>
    public long Value
    {
        get
        {
            var up = Increments.Value;
            var down = Decrements.Value;
            return up >= down ? checked((long)(up - down)) : checked(-(long)(down - up));
        }
    }

    /// <inheritdoc />
    public PNCounter? Delta { get; }

    /// <inheritdoc />
    IDeltaReplicatedData IReplicatedDelta.Zero => Empty;

    /// <summary>Builds a counter from its two halves (deserialization, tests); their deltas are dropped.</summary>
    public static PNCounter Create(GCounter increments, GCounter decrements) =>
        new(increments.ResetDelta(), decrements.ResetDelta(), null);

    /// <summary>Adds <paramref name="amount"/> (negative to subtract) on behalf of <paramref name="node"/>.</summary>
    public PNCounter Increment(ReplicaId node, long amount = 1) => amount switch
    {
        0 => this,
        > 0 => Change(Increments.Increment(node, (ulong)amount), Decrements),
        long.MinValue => Change(Increments, Decrements.Increment(node, 1UL << 63)),
        _ => Change(Increments, Decrements.Increment(node, (ulong)-amount)),
    };

    /// <summary>Subtracts <paramref name="amount"/> on behalf of <paramref name="node"/>.</summary>
    public PNCounter Decrement(ReplicaId node, long amount = 1) =>
        amount == long.MinValue ? Increment(node, long.MaxValue).Increment(node, 1) : Increment(node, -amount);

    private PNCounter Change(GCounter increments, GCounter decrements)
    {
        // Each half keeps its own running delta; the counter's delta mirrors the two.
        var delta = new PNCounter(increments.Delta ?? GCounter.Empty, decrements.Delta ?? GCounter.Empty, null);
        return new PNCounter(increments, decrements, delta);
    }

    /// <inheritdoc />
    public PNCounter Merge(PNCounter other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new PNCounter(Increments.Merge(other.Increments), Decrements.Merge(other.Decrements), null);
    }

    /// <inheritdoc />
    public PNCounter MergeDelta(PNCounter delta) => Merge(delta);

    /// <inheritdoc />
    public PNCounter ResetDelta() =>
        Delta is null ? this : new PNCounter(Increments.ResetDelta(), Decrements.ResetDelta(), null);

    /// <inheritdoc />
    public IReadOnlySet<ReplicaId> ModifiedByNodes => Increments.State.Keys.Concat(Decrements.State.Keys).ToHashSet();

    /// <inheritdoc />
    public bool NeedPruningFrom(ReplicaId removedNode) =>
        Increments.NeedPruningFrom(removedNode) || Decrements.NeedPruningFrom(removedNode);

    /// <inheritdoc />
    public PNCounter Prune(ReplicaId removedNode, ReplicaId collapseInto) =>
        new(Increments.Prune(removedNode, collapseInto), Decrements.Prune(removedNode, collapseInto), null);

    /// <inheritdoc />
    public PNCounter PruningCleanup(ReplicaId removedNode) =>
        new(Increments.PruningCleanup(removedNode), Decrements.PruningCleanup(removedNode), null);

    /// <inheritdoc />
    public bool Equals(PNCounter? other) =>
        other is not null && Increments.Equals(other.Increments) && Decrements.Equals(other.Decrements);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PNCounter);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Increments, Decrements);

    /// <inheritdoc />
    public override string ToString() => $"PNCounter({Value})";
}
