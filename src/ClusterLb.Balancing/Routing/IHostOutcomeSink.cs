namespace ClusterLb.Balancing.Routing;

/// <summary>
/// Where the request path reports what happened to a forwarded request. Implementations only enqueue
/// (tell an actor); they never block the request.
/// </summary>
public interface IHostOutcomeSink
{
    /// <summary>A request failed in a way that counts against the host (connect failure or unhealthy status).</summary>
    void ReportFailure(UpstreamHost host, in RequestOutcome outcome);

    /// <summary>A request succeeded after an earlier reported failure; resets the passive failure streak.</summary>
    void ReportRecovery(UpstreamHost host);
}

/// <summary>Discards outcomes; for tests and for hosts without a health checker.</summary>
public sealed class NullOutcomeSink : IHostOutcomeSink
{
    /// <summary>The shared instance.</summary>
    public static NullOutcomeSink Instance { get; } = new();

    /// <inheritdoc />
    public void ReportFailure(UpstreamHost host, in RequestOutcome outcome) { }

    /// <inheritdoc />
    public void ReportRecovery(UpstreamHost host) { }
}
