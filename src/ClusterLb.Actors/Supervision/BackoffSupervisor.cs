namespace ClusterLb.Actors;

/// <summary>
/// A parent that restarts its single child with exponential backoff, so a child that keeps failing (say, a
/// connection to a dead backend) does not spin. Messages sent to the supervisor are forwarded to the child.
/// </summary>
public static class BackoffSupervisor
{
    /// <summary>Props for a backoff supervisor; invalid options throw here, not later.</summary>
    public static Props Props(BackoffOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return ClusterLb.Actors.Props.Create(() => new BackoffSupervisorActor(options));
    }

    /// <summary>The delay before restart number <paramref name="restartCount"/> (0-based).</summary>
    public static TimeSpan CalculateDelay(int restartCount, TimeSpan minBackoff, TimeSpan maxBackoff, double randomFactor, double random01)
    {
        var exponent = Math.Min(restartCount, 30);
        var baseMs = Math.Min(maxBackoff.TotalMilliseconds, minBackoff.TotalMilliseconds * Math.Pow(2, exponent));
        var jittered = baseMs * (1 + (random01 * randomFactor));
        return TimeSpan.FromMilliseconds(Math.Min(jittered, TimeSpan.MaxValue.TotalMilliseconds / 2));
    }

    /// <summary>Ask the supervisor for <see cref="CurrentChild"/>.</summary>
    public sealed record GetCurrentChild
    {
        /// <summary>The only instance.</summary>
        public static readonly GetCurrentChild Instance = new();
    }

    /// <summary>The live child, or null while waiting to restart it.</summary>
    public sealed record CurrentChild(IActorRef? Ref);

    /// <summary>Ask the supervisor for <see cref="RestartCount"/>.</summary>
    public sealed record GetRestartCount
    {
        /// <summary>The only instance.</summary>
        public static readonly GetRestartCount Instance = new();
    }

    /// <summary>Restarts since the last reset.</summary>
    public sealed record RestartCount(int Count);

    /// <summary>Resets the restart count (the next restart uses MinBackoff again).</summary>
    public sealed record Reset
    {
        /// <summary>The only instance.</summary>
        public static readonly Reset Instance = new();
    }
}
