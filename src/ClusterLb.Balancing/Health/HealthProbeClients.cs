using ClusterLb.Balancing.Settings;
using ClusterLb.Balancing.Upstreams;

namespace ClusterLb.Balancing.Health;

/// <summary>
/// The HTTP clients active health checks send their probes with: one per distinct pool <c>tls</c> block, so a
/// backend behind a private CA (or one that wants a client certificate) is probed as proxied requests reach it.
/// Apart from the proxy's own clients: a probe must not queue behind a pool's <c>keepalive.max-connections</c>.
/// </summary>
public sealed class HealthProbeClients : IDisposable
{
    private readonly HttpMessageInvoker _default;
    private readonly IReadOnlyDictionary<UpstreamTlsSettings, HttpMessageInvoker> _byTls;
    private readonly bool _owned;

    /// <summary>Every pool probes with <paramref name="client"/>, which stays the caller's to dispose (tests script it).</summary>
    public HealthProbeClients(HttpMessageInvoker client)
        : this(client, new Dictionary<UpstreamTlsSettings, HttpMessageInvoker>(), owned: false)
    {
    }

    private HealthProbeClients(HttpMessageInvoker client, IReadOnlyDictionary<UpstreamTlsSettings, HttpMessageInvoker> byTls, bool owned)
    {
        _default = client;
        _byTls = byTls;
        _owned = owned;
    }

    /// <summary>Clients for every <c>tls</c> block among <paramref name="balancing"/>'s pools, and a default one for the rest.</summary>
    /// <exception cref="UpstreamTlsException">A pool's TLS file cannot be used.</exception>
    public static HealthProbeClients Create(BalancingSettings balancing, TimeSpan connectTimeout)
    {
        ArgumentNullException.ThrowIfNull(balancing);
        var idle = TimeSpan.FromSeconds(60);
        var byTls = new Dictionary<UpstreamTlsSettings, HttpMessageInvoker>();
        try
        {
            foreach (var tls in balancing.Services.Where(s => s.Protocol == ServiceProtocol.Http).SelectMany(s => s.Pools).Select(p => p.Connection.Tls).Where(t => t != UpstreamTlsSettings.Default).Distinct())
            {
                byTls[tls] = new HttpMessageInvoker(UpstreamHandlerFactory.Create(tls, connectTimeout, 0, idle));
            }
        }
        catch
        {
            foreach (var client in byTls.Values)
            {
                client.Dispose();
            }
            throw;
        }
        return new HealthProbeClients(new HttpMessageInvoker(UpstreamHandlerFactory.Create(UpstreamTlsSettings.Default, connectTimeout, 0, idle)), byTls, owned: true);
    }

    /// <summary>The client for a pool with <paramref name="tls"/> (the default one for a block no configured pool has).</summary>
    public HttpMessageInvoker For(UpstreamTlsSettings tls) => _byTls.GetValueOrDefault(tls, _default);

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_owned)
        {
            return;
        }
        _default.Dispose();
        foreach (var client in _byTls.Values)
        {
            client.Dispose();
        }
    }
}
