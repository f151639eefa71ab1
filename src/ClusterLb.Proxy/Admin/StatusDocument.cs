using ClusterLb.Balancing.Reporting;

namespace ClusterLb.Proxy.Admin;

/// <summary>The node part of <c>GET /status</c>.</summary>
/// <param name="Name">Node name.</param>
/// <param name="Version">ClusterLb version.</param>
/// <param name="StartedAt">Start time (UTC, ISO 8601).</param>
/// <param name="UptimeSeconds">Seconds since start.</param>
public sealed record NodeStatus(string Name, string Version, DateTimeOffset StartedAt, double UptimeSeconds);

/// <summary>The whole <c>GET /status</c> answer.</summary>
/// <param name="Node">Which node answered.</param>
/// <param name="Status"><c>healthy</c>, <c>degraded</c> or <c>unhealthy</c> over every service.</param>
/// <param name="Detail">Summary over every host, such as <c>5/6 hosts healthy</c>.</param>
/// <param name="Services">Per-service status from the router actors.</param>
public sealed record StatusDocument(NodeStatus Node, string Status, string Detail, IReadOnlyList<ServiceStatus> Services)
{
    /// <summary>
    /// The runtime registry's version and every node's lag behind it (or an error object when the registry did not
    /// answer); absent on a node without a registry.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public object? Registry { get; init; }

    /// <summary>The proxy listeners (http, http2, https with its certificates); absent when the front end does not say.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ListenerStatus>? Listeners { get; init; }
}

/// <summary>One proxy listener in <c>GET /status</c>.</summary>
/// <param name="Name"><c>http</c>, <c>http2</c> or <c>https</c>; for a tcp or udp service, the service's name.</param>
/// <param name="Url">Where it is bound.</param>
/// <param name="Protocols">What it speaks: <c>http/1.1</c>, <c>h2c</c>, or the ALPN list of the HTTPS listener.</param>
public sealed record ListenerStatus(string Name, Uri? Url, IReadOnlyList<string> Protocols)
{
    /// <summary>HTTPS: the oldest TLS version accepted (<c>1.2</c> or <c>1.3</c>).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? MinTlsVersion { get; init; }

    /// <summary>HTTP: whether every request is redirected to HTTPS.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool RedirectsToHttps { get; init; }

    /// <summary>HTTPS: the certificates, with their names and expiry.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Tls.CertificateStatus>? Certificates { get; init; }
}

/// <summary>The body of every admin error.</summary>
/// <param name="Error">Short machine-friendly error name.</param>
/// <param name="Reason">What went wrong and what to do instead.</param>
public sealed record AdminError(string Error, string Reason);
