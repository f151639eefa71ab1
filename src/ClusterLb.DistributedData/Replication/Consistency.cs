namespace ClusterLb.DistributedData.Replication;

/// <summary>How many replicas a read asks before it answers (Akka's read consistency levels).</summary>
public abstract record ReadConsistency(TimeSpan Timeout)
{
    /// <summary>Replicas (this one included) whose answer is needed, out of <paramref name="totalReplicas"/>.</summary>
    public abstract int Required(int totalReplicas);
}

/// <summary>Reads only the local replica.</summary>
public sealed record ReadLocal() : ReadConsistency(TimeSpan.Zero)
{
    /// <summary>The single instance.</summary>
    public static readonly ReadLocal Instance = new();

    /// <inheritdoc />
    public override int Required(int totalReplicas) => 1;
}

/// <summary>Reads from <paramref name="N"/> replicas, this one included.</summary>
public sealed record ReadFrom(int N, TimeSpan Timeout) : ReadConsistency(Timeout)
{
    /// <inheritdoc />
    public override int Required(int totalReplicas) => Math.Min(Math.Max(1, N), totalReplicas);
}

/// <summary>Reads from a majority: <c>min(N, max(N/2 + 1, MinCap))</c>.</summary>
public sealed record ReadMajority(TimeSpan Timeout, int MinCap = 0) : ReadConsistency(Timeout)
{
    /// <inheritdoc />
    public override int Required(int totalReplicas) => Quorum.Majority(totalReplicas, MinCap);
}

/// <summary>Reads from every known replica.</summary>
public sealed record ReadAll(TimeSpan Timeout) : ReadConsistency(Timeout)
{
    /// <inheritdoc />
    public override int Required(int totalReplicas) => totalReplicas;
}

/// <summary>How many replicas must acknowledge a write before it succeeds (Akka's write consistency levels).</summary>
public abstract record WriteConsistency(TimeSpan Timeout)
{
    /// <summary>Replicas (this one included) that must hold the write, out of <paramref name="totalReplicas"/>.</summary>
    public abstract int Required(int totalReplicas);

    /// <summary>What a successful write at this level reports.</summary>
    public abstract ConsistencyReached OnSuccess { get; }
}

/// <summary>Writes the local replica only; gossip spreads it.</summary>
public sealed record WriteLocal() : WriteConsistency(TimeSpan.Zero)
{
    /// <summary>The single instance.</summary>
    public static readonly WriteLocal Instance = new();

    /// <inheritdoc />
    public override int Required(int totalReplicas) => 1;

    /// <inheritdoc />
    public override ConsistencyReached OnSuccess => ConsistencyReached.Local;
}

/// <summary>Writes to <paramref name="N"/> replicas, this one included.</summary>
public sealed record WriteTo(int N, TimeSpan Timeout) : WriteConsistency(Timeout)
{
    /// <inheritdoc />
    public override int Required(int totalReplicas) => Math.Min(Math.Max(1, N), totalReplicas);

    /// <inheritdoc />
    public override ConsistencyReached OnSuccess => ConsistencyReached.Count;
}

/// <summary>Writes to a majority: <c>min(N, max(N/2 + 1, MinCap))</c>.</summary>
public sealed record WriteMajority(TimeSpan Timeout, int MinCap = 0) : WriteConsistency(Timeout)
{
    /// <inheritdoc />
    public override int Required(int totalReplicas) => Quorum.Majority(totalReplicas, MinCap);

    /// <inheritdoc />
    public override ConsistencyReached OnSuccess => ConsistencyReached.Majority;
}

/// <summary>Writes to every known replica.</summary>
public sealed record WriteAll(TimeSpan Timeout) : WriteConsistency(Timeout)
{
    /// <inheritdoc />
    public override int Required(int totalReplicas) => totalReplicas;

    /// <inheritdoc />
    public override ConsistencyReached OnSuccess => ConsistencyReached.All;
}

/// <summary>The consistency a write reached, reported with its outcome (the admin API shows it).</summary>
public enum ConsistencyReached
{
    /// <summary>Only the local replica is known to hold the write (WriteLocal, or a timed-out stronger level).</summary>
    Local,

    /// <summary>The count asked for by <see cref="WriteTo"/>.</summary>
    Count,

    /// <summary>A majority of replicas.</summary>
    Majority,

    /// <summary>Every known replica.</summary>
    All,
}

internal static class Quorum
{
    // N includes this replica and unreachable ones, as in Akka: a minority side of a partition cannot reach it.
    public static int Majority(int totalReplicas, int minCap) =>
        Math.Min(totalReplicas, Math.Max(totalReplicas / 2 + 1, minCap));
}
