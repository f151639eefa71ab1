namespace ClusterLb.Balancing.Settings;

/// <summary>
/// How the proxy connects to a pool's hosts: HTTP version, TLS and keepalive pool. Pools with equal settings share
/// one connection pool; a pool with its own settings gets its own HTTP handler (TLS options are per handler).
/// </summary>
/// <param name="HttpVersion">The HTTP version spoken to the hosts (<c>http-version</c>).</param>
/// <param name="Tls">Certificate checks, SNI and client certificate for https:// hosts.</param>
/// <param name="Keepalive">The pool's own connection limits, over <c>clusterlb.proxy.upstream</c>.</param>
public sealed record UpstreamConnectionSettings(UpstreamHttpVersion HttpVersion, UpstreamTlsSettings Tls, KeepaliveSettings Keepalive)
{
    /// <summary>YARP's HTTP version default, system trust store, the proxy-wide keepalive pool: what pools created through the admin API use.</summary>
    public static UpstreamConnectionSettings Default { get; } = new(UpstreamHttpVersion.Auto, UpstreamTlsSettings.Default, KeepaliveSettings.Inherit);

    /// <summary>True when these are <see cref="Default"/>: the pool shares the proxy's default client.</summary>
    public bool IsDefault => Equals(Default);
}
