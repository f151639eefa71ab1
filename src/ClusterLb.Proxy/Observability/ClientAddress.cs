using Microsoft.AspNetCore.Http;

namespace ClusterLb.Proxy.Observability;

/// <summary>
/// The client address the access log reports. The one place it is taken: today the connection's remote IP; a
/// trusted-proxy real-IP resolution (X-Forwarded-For / PROXY protocol behind trusted CIDRs) replaces it here.
/// </summary>
public static class ClientAddress
{
    /// <summary>The client's IP address as text, empty when the transport has none.</summary>
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? string.Empty;
}
