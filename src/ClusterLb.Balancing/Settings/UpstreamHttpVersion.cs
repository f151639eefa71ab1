using System.Net;

namespace ClusterLb.Balancing.Settings;

/// <summary>The HTTP version a pool speaks to its hosts (the pool's <c>http-version</c>; the service's <c>protocol</c> says http, tcp or udp).</summary>
public enum UpstreamHttpVersion
{
    /// <summary>
    /// YARP's default: HTTP/2 when an https host offers it through TLS ALPN, else HTTP/1.1; always HTTP/1.1 to an
    /// http:// host (there is no ALPN on cleartext to ask with).
    /// </summary>
    Auto,

    /// <summary>HTTP/1.1 only, also to https:// hosts that offer HTTP/2.</summary>
    Http1,

    /// <summary>
    /// HTTP/2 only: prior knowledge (h2c) to http:// hosts, ALPN h2 to https:// hosts; a host that cannot speak it
    /// fails the request. What gRPC backends need.
    /// </summary>
    Http2,
}

/// <summary>Configuration names of <see cref="UpstreamHttpVersion"/> and the HTTP client's version settings for each.</summary>
public static class UpstreamHttpVersionNames
{
    /// <summary>Parses <c>auto</c>, <c>http1</c> (alias <c>1.1</c>), <c>http2</c> (aliases <c>2</c>, <c>h2c</c>).</summary>
    /// <exception cref="FormatException">Another name.</exception>
    public static UpstreamHttpVersion Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "auto" => UpstreamHttpVersion.Auto,
        "http1" or "1.1" => UpstreamHttpVersion.Http1,
        "http2" or "2" or "h2c" => UpstreamHttpVersion.Http2,
        _ => throw new FormatException($"http-version '{name}' must be auto, http1 or http2 (h2c)"),
    };

    /// <summary>The configuration name of <paramref name="version"/>.</summary>
    public static string ToConfigName(this UpstreamHttpVersion version) => version switch
    {
        UpstreamHttpVersion.Http1 => "http1",
        UpstreamHttpVersion.Http2 => "http2",
        _ => "auto",
    };

    /// <summary>The request version to ask the HTTP client for.</summary>
    public static Version RequestVersion(this UpstreamHttpVersion version) =>
        version == UpstreamHttpVersion.Http1 ? HttpVersion.Version11 : HttpVersion.Version20;

    /// <summary>How strictly the HTTP client keeps to <see cref="RequestVersion"/>.</summary>
    public static HttpVersionPolicy VersionPolicy(this UpstreamHttpVersion version) =>
        version == UpstreamHttpVersion.Auto ? HttpVersionPolicy.RequestVersionOrLower : HttpVersionPolicy.RequestVersionExact;
}
