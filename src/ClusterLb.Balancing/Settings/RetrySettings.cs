namespace ClusterLb.Balancing.Settings;

/// <summary>
/// When the proxy sends a failed request to another host. A request that never reached a host (connect failure)
/// is always retryable; one that was sent is retried only when its method is idempotent, it has no body, and it
/// failed by a reset or with a status in <see cref="RetryOn"/>. Retries are capped by a budget so that they cannot
/// multiply the load of an outage (Finagle's and Linkerd's retry budget).
/// </summary>
/// <param name="Attempts">Retries after the first attempt; 0 turns retries off.</param>
/// <param name="RetryOn">Upstream statuses that are retried (before anything reached the client).</param>
/// <param name="BudgetPercent">Retries may be at most this percentage of the service's requests in the last 10 seconds...</param>
/// <param name="MinPerSecond">...plus this many per second, so that a quiet service can still retry.</param>
public sealed record RetrySettings(int Attempts, StatusCodeSet RetryOn, int BudgetPercent, int MinPerSecond)
{
    /// <summary>Most retries a request may make.</summary>
    public const int MaxAttempts = 5;

    /// <summary>The defaults documented in <c>hocon/reference.conf</c>: 2 retries, no status retried, a budget of 20 % plus 10 per second.</summary>
    public static RetrySettings Default { get; } = new(2, StatusCodeSet.None, 20, 10);

    /// <summary>No retries.</summary>
    public static RetrySettings Off { get; } = Default with { Attempts = 0 };
}
