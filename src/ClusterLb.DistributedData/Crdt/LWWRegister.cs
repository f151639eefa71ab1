namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// A last-writer-wins register: a value with the timestamp and replica that wrote it. Merge keeps the value with
/// the higher timestamp; on equal timestamps the value written by the lower <see cref="ReplicaId"/> wins, so every
/// replica picks the same one. Full-state only, as in Akka: the state is already as small as a delta would be.
/// </summary>
/// <remarks>
/// Correctness depends on clocks: with the default <see cref="LwwClocks.WallClock{T}"/> a write made on a node whose
/// clock runs behind can lose to an older write from a node whose clock runs ahead. A custom clock must never give
/// two different values the same timestamp on the same replica: nothing would order them.
/// </remarks>
public sealed class LWWRegister<T> : IReplicatedData<LWWRegister<T>>, IEquatable<LWWRegister<T>>
{
    /// <summary>A register written by <paramref name="node"/> with a timestamp from <paramref name="clock"/>.</summary>
    public LWWRegister(ReplicaId node, T value, LwwClock<T>? clock = null)
        : this(node, value, (clock ?? LwwClocks.WallClock)(0, value))
    {
    }

    /// <summary>A register with an explicit timestamp (deserialization, tests).</summary>
    public LWWRegister(ReplicaId node, T value, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(node);
        UpdatedBy = node;
        Value = value;
        Timestamp = timestamp;
    }

    /// <summary>The current value.</summary>
    public T Value { get; }

    /// <summary>The timestamp of the current value (Unix milliseconds with the default clock).</summary>
    public long Timestamp { get; }

    /// <summary>The replica that wrote the current value.</summary>
    public ReplicaId UpdatedBy { get; }

    /// <summary>This register set to <paramref name="value"/> by <paramref name="node"/>.</summary>
    public LWWRegister<T> WithValue(ReplicaId node, T value, LwwClock<T>? clock = null) =>
        new(node, value, (clock ?? LwwClocks.WallClock)(Timestamp, value));

    /// <inheritdoc />
    public LWWRegister<T> Merge(LWWRegister<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Wins(other, this) ? other : this;
    }

    /// <summary>True when <paramref name="candidate"/> wins over <paramref name="current"/>.</summary>
    internal static bool Wins(LWWRegister<T> candidate, LWWRegister<T> current) =>
        candidate.Timestamp > current.Timestamp ||
        (candidate.Timestamp == current.Timestamp && candidate.UpdatedBy.CompareTo(current.UpdatedBy) < 0);

    /// <inheritdoc />
    public bool Equals(LWWRegister<T>? other) =>
        other is not null &&
        Timestamp == other.Timestamp &&
        UpdatedBy.Equals(other.UpdatedBy) &&
        EqualityComparer<T>.Default.Equals(Value, other.Value);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as LWWRegister<T>);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Timestamp, UpdatedBy, Value);

    /// <inheritdoc />
    public override string ToString() => $"LWWRegister({Value} @{Timestamp} by {UpdatedBy})";
}
