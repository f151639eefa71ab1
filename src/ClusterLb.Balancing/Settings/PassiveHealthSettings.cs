namespace ClusterLb.Balancing.Settings;

/// <summary>
/// Marking hosts down from real traffic. A connect failure always counts; a response counts when its status
/// is in <see cref="UnhealthyStatuses"/> (empty by default: many applications return 5xx for their own reasons).
/// </summary>
/// <param name="Enabled">Whether proxied traffic can mark a host down.</param>
/// <param name="Fall">Consecutive passive failures that take a host down (nginx's max_fails is 1).</param>
/// <param name="UnhealthyStatuses">Response codes that count as a failure, for example <c>5xx</c>.</param>
/// <param name="DownTime">
/// When active checks are off, how long a passively failed host stays out before it is tried again
/// (nginx's fail_timeout). With active checks on, the checks bring it back after <c>rise</c> good probes.
/// </param>
public sealed record PassiveHealthSettings(bool Enabled, int Fall, StatusCodeSet UnhealthyStatuses, TimeSpan DownTime)
{
    /// <summary>The defaults documented in <c>hocon/reference.conf</c>.</summary>
    public static PassiveHealthSettings Default { get; } = new(true, 1, StatusCodeSet.None, TimeSpan.FromSeconds(10));
}
