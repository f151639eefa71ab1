using System.Collections.Frozen;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Balancing.Upstreams;
using Yarp.ReverseProxy.Forwarder;

namespace ClusterLb.Proxy.Forwarding;

/// <summary>
/// The forwarding clients by pool. Pools without connection settings of their own (and pools created through the
/// admin API) share <see cref="Default"/>; each distinct <see cref="UpstreamConnectionSettings"/> of a configured pool
/// gets its own client, since TLS options and connection limits belong to the handler. Built once at start-up: the
/// request path does one lookup and no allocation.
/// </summary>
public sealed class UpstreamClients : IDisposable
{
    private readonly FrozenDictionary<string, PoolClient> _byPool;
    private readonly IReadOnlyList<HttpMessageInvoker> _owned;

    private UpstreamClients(PoolClient fallback, FrozenDictionary<string, PoolClient> byPool, IReadOnlyList<HttpMessageInvoker> owned)
    {
        Default = fallback;
        _byPool = byPool;
        _owned = owned;
    }

    /// <summary>The client of every pool without connection settings of its own.</summary>
    public PoolClient Default { get; }

    /// <summary>Clients for <paramref name="balancing"/>'s pools.</summary>
    /// <exception cref="UpstreamTlsException">A pool's TLS file cannot be used.</exception>
    public static UpstreamClients Create(UpstreamSettings upstream, BalancingSettings balancing, bool preserveHost)
    {
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentNullException.ThrowIfNull(balancing);
        var owned = new List<HttpMessageInvoker>();
        try
        {
            var transformer = new ForwardingTransformer(preserveHost);
            var fallback = new PoolClient(Own(owned, UpstreamClientFactory.Create(upstream)), new ForwarderRequestConfig { ActivityTimeout = upstream.ActivityTimeout }, transformer);
            var shared = new Dictionary<UpstreamConnectionSettings, PoolClient>();
            var byPool = new Dictionary<string, PoolClient>(StringComparer.Ordinal);
            foreach (var pool in balancing.Services.Where(s => s.Protocol == ServiceProtocol.Http).SelectMany(s => s.Pools).Where(p => !p.Connection.IsDefault))
            {
                var connection = pool.Connection;
                if (!shared.TryGetValue(connection, out var client))
                {
                    shared[connection] = client = new PoolClient(
                        Own(owned, UpstreamClientFactory.Create(upstream, connection)),
                        new ForwarderRequestConfig
                        {
                            ActivityTimeout = upstream.ActivityTimeout,
                            Version = connection.HttpVersion.RequestVersion(),
                            VersionPolicy = connection.HttpVersion.VersionPolicy(),
                        },
                        connection.Tls.Sni is { } sni ? new ForwardingTransformer(preserveHost, sni) : transformer);
                }
                byPool[pool.Id] = client;
            }
            return new UpstreamClients(fallback, byPool.ToFrozenDictionary(StringComparer.Ordinal), owned);
        }
        catch
        {
            foreach (var client in owned)
            {
                client.Dispose();
            }
            throw;
        }
    }

    /// <summary>The client for requests to <paramref name="host"/>.</summary>
    public PoolClient For(UpstreamHost host) =>
        _byPool.Count != 0 && _byPool.TryGetValue(host.PoolId, out var client) ? client : Default;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var client in _owned)
        {
            client.Dispose();
        }
    }

    private static HttpMessageInvoker Own(List<HttpMessageInvoker> owned, HttpMessageInvoker client)
    {
        owned.Add(client);
        return client;
    }
}
