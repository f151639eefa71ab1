namespace ClusterLb.Proxy.Observability;

/// <summary>The admin listener's <c>GET /metrics</c> (<c>clusterlb.admin.metrics</c>).</summary>
/// <param name="Enabled">Serve <c>/metrics</c>; off answers 404 and builds no exporter.</param>
/// <param name="RequireToken">
/// Require the admin bearer token (Prometheus then needs <c>authorization.credentials</c> in its scrape config);
/// off by default, like <c>/status</c>, since scrapers usually carry no token and the admin listener is on
/// loopback by default.
/// </param>
/// <param name="RuntimeMetrics">Also export the .NET runtime's own meter (<c>System.Runtime</c>: GC, heap, thread pool, CPU, working set).</param>
public sealed record MetricsSettings(bool Enabled, bool RequireToken, bool RuntimeMetrics)
{
    /// <summary>The reference.conf defaults: on, no token, runtime metrics included.</summary>
    public static MetricsSettings Default { get; } = new(Enabled: true, RequireToken: false, RuntimeMetrics: true);
}
