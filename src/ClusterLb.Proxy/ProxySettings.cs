using ClusterLb.Proxy.Forwarding;

namespace ClusterLb.Proxy;

/// <summary>An address and port to listen on; port 0 lets the OS choose (tests).</summary>
/// <param name="Bind">IP address to bind, such as <c>0.0.0.0</c> or <c>127.0.0.1</c>.</param>
/// <param name="Port">TCP port.</param>
public sealed record ListenerSettings(string Bind, int Port);

/// <summary>The outbound connection pool to the backends.</summary>
/// <param name="ConnectTimeout">A connect slower than this fails (502, and counts as a passive failure).</param>
/// <param name="ActivityTimeout">A forwarded request with no activity for this long is cancelled (504).</param>
/// <param name="PooledConnectionIdleTimeout">Idle keepalive connections are closed after this.</param>
/// <param name="MaxConnectionsPerServer">Bound on concurrent connections per backend (0 = unbounded).</param>
public sealed record UpstreamSettings(
    TimeSpan ConnectTimeout,
    TimeSpan ActivityTimeout,
    TimeSpan PooledConnectionIdleTimeout,
    int MaxConnectionsPerServer)
{
    /// <summary>The defaults documented in <c>hocon/reference.conf</c>.</summary>
    public static UpstreamSettings Default { get; } = new(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(100), TimeSpan.FromSeconds(60), 0);
}

/// <summary>The proxy and admin listeners of one node.</summary>
/// <param name="Http">The HTTP/1.1 listener (<c>clusterlb.proxy.http</c>).</param>
/// <param name="Http2">
/// The optional cleartext HTTP/2 listener (<c>clusterlb.proxy.http2</c>), prior knowledge (h2c) only: Kestrel
/// cannot offer both protocols on one cleartext port because there is no TLS ALPN to choose between them.
/// </param>
/// <param name="Admin">The admin and status listener (<c>clusterlb.admin</c>).</param>
/// <param name="DrainTimeout">On shutdown, how long in-flight requests may take to finish before they are cut.</param>
/// <param name="PreserveHost">Send the client's Host header upstream instead of the backend's address.</param>
/// <param name="Upstream">Outbound connection pool settings.</param>
public sealed record ProxySettings(
    ListenerSettings Http,
    ListenerSettings? Http2,
    ListenerSettings Admin,
    TimeSpan DrainTimeout,
    bool PreserveHost,
    UpstreamSettings Upstream)
{
    /// <summary>The admin token and whether <c>/status</c> needs it (<c>clusterlb.admin.token</c>, <c>protect-status</c>).</summary>
    public ClusterLb.Proxy.Admin.AdminAccessSettings AdminAccess { get; init; } = ClusterLb.Proxy.Admin.AdminAccessSettings.Disabled;

    /// <summary><c>GET /metrics</c> on the admin listener (<c>clusterlb.admin.metrics</c>).</summary>
    public ClusterLb.Proxy.Observability.MetricsSettings Metrics { get; init; } = ClusterLb.Proxy.Observability.MetricsSettings.Default;

    /// <summary>The access log (<c>clusterlb.access-log</c>).</summary>
    public ClusterLb.Proxy.Observability.AccessLogSettings AccessLog { get; init; } = ClusterLb.Proxy.Observability.AccessLogSettings.Default;

    /// <summary>OpenTelemetry tracing over OTLP (<c>clusterlb.tracing</c>).</summary>
    public ClusterLb.Proxy.Observability.TracingSettings Tracing { get; init; } = ClusterLb.Proxy.Observability.TracingSettings.Default;

    /// <summary>The optional HTTPS listener (<c>clusterlb.proxy.https</c>): TLS terminated here, certificates by SNI; null when off.</summary>
    public Tls.HttpsSettings? Https { get; init; }

    /// <summary>Limits against abusive clients on the proxy listener(s) (<c>clusterlb.proxy.limits</c>).</summary>
    public ProxyLimits Limits { get; init; } = ProxyLimits.Default;

    /// <summary>Which proxies in front may name the real client (<c>clusterlb.proxy.trusted-proxies</c>, <c>real-ip-header</c>).</summary>
    public ClientAddressSettings ClientAddress { get; init; } = ClientAddressSettings.None;

    /// <summary>Loopback listeners on OS-chosen ports; what tests and the demo use.</summary>
    public static ProxySettings Loopback { get; } = new(
        new ListenerSettings("127.0.0.1", 0),
        new ListenerSettings("127.0.0.1", 0),
        new ListenerSettings("127.0.0.1", 0),
        TimeSpan.FromSeconds(10),
        PreserveHost: false,
        UpstreamSettings.Default);
}
