namespace ClusterLb.Balancing.Settings;

/// <summary>Where the <c>hash</c> method takes a request's key from.</summary>
public enum HashKeySource
{
    /// <summary>A request header's value.</summary>
    Header,

    /// <summary>A request cookie's value.</summary>
    Cookie,

    /// <summary>A query-string parameter's value.</summary>
    Query,

    /// <summary>The request path (without the query).</summary>
    Path,

    /// <summary>The Host header without its port.</summary>
    Host,

    /// <summary>The real client IP (what <c>ip-hash</c> uses).</summary>
    ClientIp,
}

/// <summary>A request key for consistent hashing, written <c>header:NAME</c>, <c>cookie:NAME</c>, <c>query:NAME</c>, <c>path</c> or <c>host</c>.</summary>
/// <param name="Source">Where the key comes from.</param>
/// <param name="Name">Header, cookie or query parameter name; empty for the other sources.</param>
public sealed record HashKey(HashKeySource Source, string Name)
{
    /// <summary>The client IP key of <c>ip-hash</c>.</summary>
    public static HashKey ClientIp { get; } = new(HashKeySource.ClientIp, string.Empty);

    /// <summary>Parses the configuration form.</summary>
    /// <exception cref="FormatException">Not one of the accepted forms.</exception>
    public static HashKey Parse(string text)
    {
        var value = text.Trim();
        var colon = value.IndexOf(':');
        var kind = (colon < 0 ? value : value[..colon]).ToLowerInvariant();
        var name = colon < 0 ? string.Empty : value[(colon + 1)..].Trim();
        HashKeySource? source = kind switch
        {
            "header" => HashKeySource.Header,
            "cookie" => HashKeySource.Cookie,
            "query" => HashKeySource.Query,
            "path" => HashKeySource.Path,
            "host" => HashKeySource.Host,
            "client-ip" or "ip" => HashKeySource.ClientIp,
            _ => null,
        };
        var named = source is HashKeySource.Header or HashKeySource.Cookie or HashKeySource.Query;
        if (source is null || named != (name.Length > 0) || name.Any(c => c <= ' ' || c is ';' or ',' or '=' or '&'))
        {
            throw new FormatException($"hash-key '{text}' must be 'header:NAME', 'cookie:NAME', 'query:NAME', 'path', 'host' or 'client-ip'.");
        }
        return new HashKey(source.Value, name);
    }

    /// <inheritdoc />
    public override string ToString() => Source switch
    {
        HashKeySource.Header => $"header:{Name}",
        HashKeySource.Cookie => $"cookie:{Name}",
        HashKeySource.Query => $"query:{Name}",
        HashKeySource.Path => "path",
        HashKeySource.Host => "host",
        _ => "client-ip",
    };
}
