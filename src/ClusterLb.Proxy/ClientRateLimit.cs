namespace ClusterLb.Proxy;

/// <summary>
/// A per-client-IP request rate limit on the proxy (<c>clusterlb.proxy.limits.rate-limit</c>): a token bucket per
/// remote address from ASP.NET Core's rate limiter; a request without a token gets 429. Off by default.
/// </summary>
/// <param name="Enabled">Whether the limit applies.</param>
/// <param name="RequestsPerSecond">Tokens added to each client's bucket per second.</param>
/// <param name="Burst">Bucket size: requests a client may send at once after being idle.</param>
public sealed record ClientRateLimit(bool Enabled, int RequestsPerSecond, int Burst)
{
    /// <summary>The defaults documented in <c>hocon/reference.conf</c> (off).</summary>
    public static ClientRateLimit Off { get; } = new(false, 100, 200);
}
