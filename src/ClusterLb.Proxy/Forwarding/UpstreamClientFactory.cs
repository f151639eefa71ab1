using System.Diagnostics;
using ClusterLb.Balancing.Settings;
using ClusterLb.Balancing.Upstreams;
using Yarp.ReverseProxy.Forwarder;

namespace ClusterLb.Proxy.Forwarding;

/// <summary>Creates the pooled outbound clients requests are forwarded with (keepalive connections per backend).</summary>
public static class UpstreamClientFactory
{
    /// <summary>The client pools without their own connection settings share.</summary>
    public static HttpMessageInvoker Create(UpstreamSettings settings) => Create(settings, UpstreamConnectionSettings.Default);

    /// <summary>
    /// A client for a pool's <paramref name="connection"/> (TLS, keepalive over <paramref name="settings"/>), configured
    /// the way YARP recommends for forwarding, and sending the request's trace context on.
    /// </summary>
    /// <exception cref="UpstreamTlsException">A TLS file cannot be used.</exception>
    public static HttpMessageInvoker Create(UpstreamSettings settings, UpstreamConnectionSettings connection)
    {
        var keepalive = connection.Keepalive;
        var handler = UpstreamHandlerFactory.Create(
            connection.Tls,
            settings.ConnectTimeout,
            keepalive.MaxConnections ?? settings.MaxConnectionsPerServer,
            keepalive.IdleTimeout ?? settings.PooledConnectionIdleTimeout);
        handler.ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current);
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }
}
