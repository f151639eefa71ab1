namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// Picks the timestamp of a new <see cref="LWWRegister{T}"/> value from the register's current timestamp.
/// </summary>
public delegate long LwwClock<in T>(long currentTimestamp, T value);

/// <summary>The clocks Akka ships with.</summary>
public static class LwwClocks
{
    /// <summary>
    /// Wall-clock milliseconds, but at least one more than the current timestamp: a replica's own successive writes
    /// always win in the order it made them, even if its clock steps back.
    /// </summary>
    public static long WallClock<T>(long currentTimestamp, T value) =>
        Math.Max(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), checked(currentTimestamp + 1));

    /// <summary>
    /// The mirror image: timestamps count down, so the first write wins. Use it for "set once" values; never mix it
    /// with <see cref="WallClock{T}"/> on the same register.
    /// </summary>
    public static long Reverse<T>(long currentTimestamp, T value) =>
        Math.Min(-DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), checked(currentTimestamp - 1));

    /// <summary>A clock that ignores time and returns a fixed timestamp (tests, application-supplied versions).</summary>
    public static LwwClock<T> Fixed<T>(long timestamp) => (_, _) => timestamp;
}
