namespace ClusterLb.Balancing.Routing;

/// <summary>What happened to one forwarded request, as the front end saw it.</summary>
/// <param name="StatusCode">Upstream status code, or 0 when no response arrived.</param>
/// <param name="Duration">Time from pick to response headers (or failure).</param>
/// <param name="ConnectFailed">The proxy could not connect to the host at all.</param>
public readonly record struct RequestOutcome(int StatusCode, TimeSpan Duration, bool ConnectFailed)
{
    /// <summary>A TCP or UDP connection reached its host (there is no status): it counts as a good outcome.</summary>
    public bool Connected { get; init; }
}
