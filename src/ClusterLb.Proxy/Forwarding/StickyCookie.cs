using System.Globalization;
using System.Text;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using Microsoft.AspNetCore.Http;

namespace ClusterLb.Proxy.Forwarding;

/// <summary>
/// Reads and issues the sticky cookie. Its value is the host's <see cref="UpstreamHost.AffinityToken"/>, an
/// opaque hash of pool and host id that every node computes alike, so a cookie issued by one node is honoured by
/// all; it names no address.
/// </summary>
public static class StickyCookie
{
    /// <summary>The host id the request's sticky cookie names; false when it has none or it is unreadable.</summary>
    public static bool TryRead(HttpRequest request, StickyCookieSettings cookie, out ulong affinityId)
    {
        affinityId = 0;
        return RequestKeyHasher.TryGetCookie(request, cookie.Name, out var value)
            && value.Length == 16
            && ulong.TryParse(value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out affinityId);
    }

    /// <summary>Adds the cookie naming <paramref name="host"/> to the response (Secure when the client came over HTTPS).</summary>
    public static void Issue(HttpContext context, StickyCookieSettings cookie, UpstreamHost host)
    {
        var text = new StringBuilder(cookie.Name.Length + 64)
            .Append(cookie.Name).Append('=').Append(host.AffinityToken)
            .Append("; Path=").Append(cookie.Path);
        if (cookie.MaxAge > TimeSpan.Zero)
        {
            text.Append("; Max-Age=").Append(((long)cookie.MaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        }
        if (cookie.HttpOnly)
        {
            text.Append("; HttpOnly");
        }
        text.Append("; SameSite=").Append(cookie.SameSite switch
        {
            CookieSameSite.Strict => "Strict",
            CookieSameSite.None => "None",
            _ => "Lax",
        });
        if (context.Request.IsHttps)
        {
            text.Append("; Secure");
        }
        context.Response.Headers.Append("Set-Cookie", text.ToString());
    }
}
