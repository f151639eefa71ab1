using System.Net;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Upstreams;

/// <summary>
/// The one <see cref="SocketsHttpHandler"/> set-up for connections to backends, proxied requests and health probes
/// alike: no proxy, redirects, cookies or decompression (what YARP recommends for forwarding), and the pool's TLS.
/// </summary>
public static class UpstreamHandlerFactory
{
    /// <summary>A handler for hosts secured by <paramref name="tls"/>.</summary>
    /// <param name="tls">The pool's TLS settings.</param>
    /// <param name="connectTimeout">A connect (TCP and TLS handshake) slower than this fails.</param>
    /// <param name="maxConnectionsPerServer">Bound on concurrent connections per host; 0 = unbounded.</param>
    /// <param name="idleTimeout">An idle keepalive connection is closed after this.</param>
    /// <exception cref="UpstreamTlsException">A TLS file cannot be used.</exception>
    public static SocketsHttpHandler Create(UpstreamTlsSettings tls, TimeSpan connectTimeout, int maxConnectionsPerServer, TimeSpan idleTimeout)
    {
        var ssl = UpstreamTls.Options(tls);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = connectTimeout,
            PooledConnectionIdleTimeout = idleTimeout,
        };
        if (maxConnectionsPerServer > 0)
        {
            handler.MaxConnectionsPerServer = maxConnectionsPerServer;
        }
        if (ssl is not null)
        {
            handler.SslOptions = ssl;
        }
        return handler;
    }

    /// <summary>The Host header that makes <paramref name="tls"/>'s SNI name the request's authority; null when it has none.</summary>
    public static string? Authority(UpstreamTlsSettings tls, Uri address) =>
        tls.Sni is not { } sni ? null : address.IsDefaultPort ? sni : $"{sni}:{address.Port}";
}
