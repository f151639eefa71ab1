using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace ClusterLb.Proxy.Forwarding;

/// <summary>
/// Copies the request as YARP's base transformer does, then writes the X-Forwarded-* headers the way nginx's
/// <c>$proxy_add_x_forwarded_for</c> does: the client address is appended to any list it sent.
/// </summary>
/// <param name="preserveHost">Send the client's Host instead of the destination's.</param>
/// <param name="sni">
/// A pool's <c>tls.sni</c>: sent as the Host (with the destination's port), whatever <paramref name="preserveHost"/>
/// says, because .NET's HTTP client takes the TLS server name from the request's Host.
/// </param>
public sealed class ForwardingTransformer(bool preserveHost, string? sni = null) : HttpTransformer
{
    private const string ForwardedFor = "X-Forwarded-For";
    private const string ForwardedProto = "X-Forwarded-Proto";
    private const string ForwardedHost = "X-Forwarded-Host";

    // sni:port by port, so a request to a known port builds no string.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> _authorities = new();

    /// <inheritdoc />
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);

        if (sni is not null)
        {
            // The URI YARP would build after this transform, built now for its port.
            var uri = proxyRequest.RequestUri ??= RequestUtilities.MakeDestinationAddress(destinationPrefix, httpContext.Request.Path, httpContext.Request.QueryString);
            proxyRequest.Headers.Host = uri.IsDefaultPort ? sni : _authorities.GetOrAdd(uri.Port, static (port, name) => $"{name}:{port}", sni);
        }
        else if (!preserveHost)
        {
            // Let the destination URI supply Host, as nginx's default proxy_set_header Host $proxy_host does.
            proxyRequest.Headers.Host = null;
        }

        var headers = proxyRequest.Headers;
        var clientIp = httpContext.Connection.RemoteIpAddress?.ToString();
        if (clientIp is not null)
        {
            var prior = httpContext.Request.Headers[ForwardedFor];
            headers.Remove(ForwardedFor);
            headers.TryAddWithoutValidation(ForwardedFor, prior.Count == 0 ? clientIp : $"{prior}, {clientIp}");
        }

        headers.Remove(ForwardedProto);
        headers.TryAddWithoutValidation(ForwardedProto, httpContext.Request.Scheme);

        var host = httpContext.Request.Host;
        headers.Remove(ForwardedHost);
        if (host.HasValue)
        {
            headers.TryAddWithoutValidation(ForwardedHost, host.Value);
        }
    }

    /// <inheritdoc />
    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        // A status the service retries is held back, headers and body, so the handler can send the request elsewhere.
        if (proxyResponse is not null && httpContext.Features.Get<RetryableStatusFeature>() is { } retry && retry.Statuses.Contains((int)proxyResponse.StatusCode))
        {
            retry.HeldBack = (int)proxyResponse.StatusCode;
            return ValueTask.FromResult(false);
        }
        return base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }
}
