using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using Microsoft.AspNetCore.Http;

namespace ClusterLb.Proxy.Forwarding;

/// <summary>
/// Hashes the part of a request a <c>hash</c> pool routes by (fnlb's KeyFunc). Reads the raw header, cookie or
/// query text without building ASP.NET's parsed collections, so a hashed pick allocates nothing. Values are
/// hashed as sent (query values undecoded); host names case-insensitively.
/// </summary>
public static class RequestKeyHasher
{
    /// <summary>Hashes <paramref name="key"/> of <paramref name="context"/>; false when the request does not carry it.</summary>
    public static bool TryHash(HttpContext context, HashKey key, ClientAddressResolver clients, out ulong hash)
    {
        var request = context.Request;
        switch (key.Source)
        {
            case HashKeySource.Header:
                var values = request.Headers[key.Name];
                hash = values.Count switch
                {
                    0 => 0,
                    1 => StableHash.Of(values[0]),
                    _ => StableHash.Of(values.ToString()),
                };
                return values.Count > 0;
            case HashKeySource.Cookie:
                return TryHashCookie(request, key.Name, out hash);
            case HashKeySource.Query:
                return TryHashPair(request.QueryString.Value.AsSpan().TrimStart('?'), '&', key.Name, out hash);
            case HashKeySource.Path:
                hash = StableHash.Of(request.Path.HasValue ? request.Path.Value.AsSpan() : "/");
                return true;
            case HashKeySource.Host:
                return TryHashHost(request.Host.Value, out hash);
            default:
                var address = clients.Resolve(context);
                hash = ClientAddressResolver.Hash(address);
                return address is not null;
        }
    }

    /// <summary>The value of cookie <paramref name="name"/> as raw text, without parsing the other cookies.</summary>
    public static bool TryGetCookie(HttpRequest request, string name, out ReadOnlySpan<char> value)
    {
        foreach (var header in request.Headers.Cookie)
        {
            if (TryFindPair((header ?? string.Empty).AsSpan(), ';', name, out value))
            {
                return true;
            }
        }
        value = default;
        return false;
    }

    private static bool TryHashCookie(HttpRequest request, string name, out ulong hash)
    {
        var found = TryGetCookie(request, name, out var value);
        hash = found ? StableHash.Of(value) : 0;
        return found;
    }

    private static bool TryHashPair(ReadOnlySpan<char> text, char separator, string name, out ulong hash)
    {
        var found = TryFindPair(text, separator, name, out var value);
        hash = found ? StableHash.Of(value) : 0;
        return found;
    }

    private static bool TryFindPair(ReadOnlySpan<char> text, char separator, string name, out ReadOnlySpan<char> value)
    {
        while (!text.IsEmpty)
        {
            var end = text.IndexOf(separator);
            var pair = (end < 0 ? text : text[..end]).Trim();
            text = end < 0 ? ReadOnlySpan<char>.Empty : text[(end + 1)..];
            var eq = pair.IndexOf('=');
            if (eq > 0 && pair[..eq].Trim().SequenceEqual(name))
            {
                value = pair[(eq + 1)..].Trim().Trim('"');
                return true;
            }
        }
        value = default;
        return false;
    }

    private static bool TryHashHost(string? hostHeader, out ulong hash)
    {
        var host = ServiceMatcher.HostWithoutPort(hostHeader);
        if (host.IsEmpty || host.Length > 255)
        {
            hash = 0;
            return false;
        }
        Span<char> lower = stackalloc char[host.Length];
        host.ToLowerInvariant(lower);
        hash = StableHash.Of(lower);
        return true;
    }
}
