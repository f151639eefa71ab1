using System.Collections.Immutable;

namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// A grow-only counter: one slot per replica, each only ever incremented by its owner. The value is the sum; merge
/// takes the per-slot maximum. Its delta is a GCounter holding just the owner's slot (the absolute slot value, so
/// applying a delta twice or out of order is harmless).
/// </summary>
public sealed class GCounter :
    IDeltaReplicatedData<GCounter, GCounter>,
    IReplicatedDelta,
    IRemovedNodePruning<GCounter>,
    IEquatable<GCounter>
{
    /// <summary>The counter at zero.</summary>
    public static readonly GCounter Empty = new(ImmutableSortedDictionary<ReplicaId, ulong>.Empty, null);

    private GCounter(ImmutableSortedDictionary<ReplicaId, ulong> state, GCounter? delta)
    {
        State = state;
        Delta = delta;
    }

    /// <summary>Per replica, the increments it made.</summary>
    public ImmutableSortedDictionary<ReplicaId, ulong> State { get; }

    /// <summary>The sum of all slots.</summary>
    public ulong Value
    {
        get
        {
            ulong sum = 0;
            foreach (var slot in State.Values)
            {
                sum = checked(sum + slot);
            }

            return sum;
        }
    }

    /// <inheritdoc />
    public GCounter? Delta { get; }

    /// <inheritdoc />
    IDeltaReplicatedData IReplicatedDelta.Zero => Empty;

    /// <summary>Builds a counter from slots (deserialization, tests).</summary>
    public static GCounter Create(IEnumerable<KeyValuePair<ReplicaId, ulong>> slots)
    {
        var builder = ImmutableSortedDictionary.CreateBuilder<ReplicaId, ulong>();
        foreach (var (node, value) in slots)
        {
            ArgumentNullException.ThrowIfNull(node);
            if (value > 0)
            {
                builder[node] = value;
            }
        }

        return new GCounter(builder.ToImmutable(), null);
    }

    /// <summary>Adds <paramref name="amount"/> to <paramref name="node"/>'s slot.</summary>
    public GCounter Increment(ReplicaId node, ulong amount = 1)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (amount == 0)
        {
            return this;
        }

        var slot = checked(State.GetValueOrDefault(node) + amount);
        var deltaSlots = (Delta?.State ?? ImmutableSortedDictionary<ReplicaId, ulong>.Empty).SetItem(node, slot);
        return new GCounter(State.SetItem(node, slot), new GCounter(deltaSlots, null));
    }

    /// <inheritdoc />
    public GCounter Merge(GCounter other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var merged = State;
        foreach (var (node, value) in other.State)
        {
            if (value > merged.GetValueOrDefault(node))
            {
                merged = merged.SetItem(node, value);
            }
        }

        return ReferenceEquals(merged, State) && Delta is null ? this : new GCounter(merged, null);
    }

    /// <inheritdoc />
    public GCounter MergeDelta(GCounter delta) => Merge(delta);

    /// <inheritdoc />
    public GCounter ResetDelta() => Delta is null ? this : new GCounter(State, null);

    /// <inheritdoc />
    public IReadOnlySet<ReplicaId> ModifiedByNodes => State.Keys.ToHashSet();

    /// <inheritdoc />
    public bool NeedPruningFrom(ReplicaId removedNode) => State.ContainsKey(removedNode);

    /// <inheritdoc />
    public GCounter Prune(ReplicaId removedNode, ReplicaId collapseInto)
    {
        if (!State.TryGetValue(removedNode, out var removed))
        {
            return this;
        }

        var state = State.Remove(removedNode);
        return new GCounter(state.SetItem(collapseInto, checked(state.GetValueOrDefault(collapseInto) + removed)), null);
    }

    /// <inheritdoc />
    public GCounter PruningCleanup(ReplicaId removedNode) =>
        NeedPruningFrom(removedNode) ? new GCounter(State.Remove(removedNode), null) : this;

    /// <inheritdoc />
    public bool Equals(GCounter? other) =>
        other is not null && (ReferenceEquals(this, other) || (State.Count == other.State.Count && State.All(s => other.State.GetValueOrDefault(s.Key) == s.Value)));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as GCounter);

    /// <inheritdoc />
    public override int GetHashCode() => State.Count == 0 ? 0 : HashCode.Combine(State.Count, State.Keys.First(), State.Values.First());

    /// <inheritdoc />
    public override string ToString() => $"GCounter({Value})";
}
