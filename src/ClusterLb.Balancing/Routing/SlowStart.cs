namespace ClusterLb.Balancing.Routing;

/// <summary>
/// The slow-start ramp (HAProxy's <c>slowstart</c>, Envoy's <c>slow_start_config</c>): a host that becomes
/// healthy gets 10 % of its weight at once and a further 10 % every tenth of the window, until it has all of it.
/// Weights stay integers: while a pool has a ramping host every weight is scaled by <see cref="Steps"/>.
/// </summary>
public static class SlowStart
{
    /// <summary>Steps of the ramp; also the factor steady hosts' weights are scaled by meanwhile.</summary>
    public const int Steps = 10;

    /// <summary>The ramp step (1 to <see cref="Steps"/>) <paramref name="elapsed"/> into a <paramref name="window"/>.</summary>
    public static int Step(TimeSpan elapsed, TimeSpan window)
    {
        if (window <= TimeSpan.Zero || elapsed >= window)
        {
            return Steps;
        }
        var step = (int)Math.Floor(Steps * (elapsed.Ticks / (double)window.Ticks)) + 1;
        return Math.Clamp(step, 1, Steps);
    }

    /// <summary>How often a router republishes while a host ramps: a tenth of the window, at least 100 ms.</summary>
    public static TimeSpan TickInterval(TimeSpan window) => TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 100, window.Ticks / Steps));
}
