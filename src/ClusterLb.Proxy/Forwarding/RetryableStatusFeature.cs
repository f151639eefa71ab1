using ClusterLb.Balancing.Settings;

namespace ClusterLb.Proxy.Forwarding;

/// <summary>
/// Set on a request that may be retried on an upstream status: the transformer then holds back a response whose
/// status is in <see cref="Statuses"/> instead of copying it to the client, so the request can go to another host.
/// </summary>
internal sealed class RetryableStatusFeature(StatusCodeSet statuses)
{
    /// <summary>The statuses that are retried.</summary>
    public StatusCodeSet Statuses { get; } = statuses;

    /// <summary>The upstream status held back, 0 when none was.</summary>
    public int HeldBack { get; set; }
}
