namespace ClusterLb.Proxy;

/// <summary>
/// Limits against abusive clients on the proxy listener (<c>clusterlb.proxy.limits</c>), enforced by Kestrel itself.
/// </summary>
/// <param name="MaxRequestHeadersSize">Bound on the request line's headers in bytes; larger gets 431.</param>
/// <param name="MaxRequestBodySize">Bound on a request body in bytes (0 = unbounded); larger gets 413.</param>
/// <param name="RequestHeadersTimeout">A client that has not sent its whole header block within this is disconnected (slowloris).</param>
/// <param name="MinRequestBodyRate">Bytes per second a client must keep sending a body at (0 = no minimum).</param>
/// <param name="MinRequestBodyRateGrace">How long a body may run below <paramref name="MinRequestBodyRate"/> before the connection is closed.</param>
/// <param name="KeepAliveTimeout">An idle client connection is closed after this.</param>
/// <param name="MaxConcurrentConnections">Bound on open client connections (0 = unbounded); more are refused at accept.</param>
public sealed record ProxyLimits(
    long MaxRequestHeadersSize,
    long MaxRequestBodySize,
    TimeSpan RequestHeadersTimeout,
    double MinRequestBodyRate,
    TimeSpan MinRequestBodyRateGrace,
    TimeSpan KeepAliveTimeout,
    long MaxConcurrentConnections)
{
    /// <summary>The defaults documented in <c>hocon/reference.conf</c>.</summary>
    public static ProxyLimits Default { get; } = new(
        32 * 1024,
        100L * 1024 * 1024,
        TimeSpan.FromSeconds(30),
        240,
        TimeSpan.FromSeconds(5),
        TimeSpan.FromSeconds(130),
        0);

    /// <summary>The per-client-IP request rate limit (<c>rate-limit</c>), off by default.</summary>
    public ClientRateLimit RateLimit { get; init; } = ClientRateLimit.Off;
}
