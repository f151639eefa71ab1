using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace ClusterLb.Proxy.Tls;

/// <summary>
/// <c>clusterlb.proxy.https.redirect-http</c>: every request on the plain HTTP/1.1 listener is answered
/// <c>308 Permanent Redirect</c> to the same host, path and query over HTTPS, as nginx's
/// <c>return 308 https://$host$request_uri</c> does (308 rather than 301 keeps the method and body). The h2c
/// listener is left alone: its clients speak HTTP/2 by prior knowledge and do not follow redirects to another
/// protocol.
/// </summary>
/// <param name="httpsPort">The port the Location names (the HTTPS listener's, or the configured redirect port); 443 is left out.</param>
public sealed class HttpsRedirect(Func<int> httpsPort)
{
    /// <summary>Whether <paramref name="context"/> arrived on the plain HTTP/1.1 listener (and so is redirected).</summary>
    public static bool Applies(HttpContext context) =>
        !context.Request.IsHttps && !HttpProtocol.IsHttp2(context.Request.Protocol);

    /// <summary>Where the request is sent: <c>https://host[:port]/path?query</c>.</summary>
    public string LocationFor(HttpContext context)
    {
        var request = context.Request;
        var host = request.Host.HasValue ? request.Host.Host : LocalAddress(context);
        var port = httpsPort();
        var authority = port is 443 or <= 0 ? new HostString(host) : new HostString(host, port);
        return UriHelper.BuildAbsolute("https", authority, request.PathBase, request.Path, request.QueryString);
    }

    /// <summary>Answers the redirect.</summary>
    public Task WriteAsync(HttpContext context)
    {
        var location = LocationFor(context);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status308PermanentRedirect;
        response.Headers.Location = location;
        response.ContentType = "text/plain; charset=utf-8";
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.WriteAsync($"redirecting to {location}\n");
    }

    // HTTP/1.0 without a Host header: the address the client connected to.
    private static string LocalAddress(HttpContext context) =>
        context.Connection.LocalIpAddress is { } address
            ? address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString()
            : "localhost";
}
