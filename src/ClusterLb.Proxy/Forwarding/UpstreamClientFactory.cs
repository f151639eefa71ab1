using System.Diagnostics;
using System.Net;
using Yarp.ReverseProxy.Forwarder;

namespace ClusterLb.Proxy.Forwarding;

/// <summary>Creates the one pooled outbound client every service shares (keepalive connections per backend).</summary>
public static class UpstreamClientFactory
{
    /// <summary>A client configured the way YARP recommends for forwarding: no proxy, redirects, cookies or decompression.</summary>
    public static HttpMessageInvoker Create(UpstreamSettings settings)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = settings.ConnectTimeout,
            PooledConnectionIdleTimeout = settings.PooledConnectionIdleTimeout,
            ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
        };
        if (settings.MaxConnectionsPerServer > 0)
        {
            handler.MaxConnectionsPerServer = settings.MaxConnectionsPerServer;
        }
        return new HttpMessageInvoker(handler, disposeHandler: true);
    }
}
