using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ClusterLb.Proxy.Forwarding;

/// <summary>
/// Refuses a request whose Content-Length already exceeds Kestrel's body limit before it is forwarded, so the
/// backend never sees a body cut short (Kestrel itself only notices when the body is read, mid-forward).
/// </summary>
internal static class DeclaredBodySize
{
    /// <summary>Whether the declared length is over <c>clusterlb.proxy.limits.max-request-body-size</c>.</summary>
    public static bool IsTooLarge(HttpContext context) =>
        context.Request.ContentLength is { } length
        && context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } max
        && length > max;
}
