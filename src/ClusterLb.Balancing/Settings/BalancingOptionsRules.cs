namespace ClusterLb.Balancing.Settings;

/// <summary>
/// The value rules of a pool's method and options, shared by the configuration and the admin API so they are
/// defined once. Each problem names its option (<c>hash-key</c>, <c>affinity.cookie-name</c>, ...).
/// </summary>
public static class BalancingOptionsRules
{
    /// <summary>Largest accepted <c>hash-balance-factor</c>.</summary>
    public const double MaxBalanceFactor = 10;

    /// <summary>Longest accepted <c>slow-start</c>.</summary>
    public static readonly TimeSpan MaxSlowStart = TimeSpan.FromHours(1);

    /// <summary>Longest client-IP affinity timeout (kube-proxy's limit: one day).</summary>
    public static readonly TimeSpan MaxClientIpTimeout = TimeSpan.FromDays(1);

    /// <summary>Every problem with <paramref name="options"/> for <paramref name="method"/>, as (option, reason).</summary>
    public static IEnumerable<(string Option, string Reason)> Check(BalancingMethod method, BalancingOptions options)
    {
        if (!Enum.IsDefined(method))
        {
            yield return ("method", $"must be one of {BalancingMethodNames.Expected} (was {(int)method})");
        }
        if (method == BalancingMethod.Hash && options.HashKey is null)
        {
            yield return ("hash-key", "method 'hash' needs a hash-key: 'header:NAME', 'cookie:NAME', 'query:NAME', 'path' or 'host'");
        }
        if (options.HashBalanceFactor != 0 && !(options.HashBalanceFactor >= 1 && options.HashBalanceFactor <= MaxBalanceFactor))
        {
            yield return ("hash-balance-factor", $"must be 0 (off) or from 1 to {MaxBalanceFactor} (was {options.HashBalanceFactor})");
        }
        if (options.SlowStart < TimeSpan.Zero || options.SlowStart > MaxSlowStart)
        {
            yield return ("slow-start", $"must be from 0 (off) to {MaxSlowStart.TotalMinutes:0} minutes (was {options.SlowStart})");
        }
        if (options.PanicThreshold is < 0 or > 100)
        {
            yield return ("panic-threshold", $"must be a percentage from 0 (off) to 100 (was {options.PanicThreshold})");
        }
        if (!Enum.IsDefined(options.LoadScope))
        {
            yield return ("load-scope", $"must be node or cluster (was {(int)options.LoadScope})");
        }
        var affinity = options.Affinity;
        if (!Enum.IsDefined(affinity.Mode))
        {
            yield return ("affinity.type", $"must be none, sticky-cookie or client-ip (was {(int)affinity.Mode})");
        }
        if (affinity.Mode == AffinityMode.StickyCookie)
        {
            var cookie = affinity.Cookie;
            if (cookie.Name.Length == 0 || cookie.Name.Any(c => c <= ' ' || c >= 0x7f || "()<>@,;:\\\"/[]?={}".Contains(c)))
            {
                yield return ("affinity.cookie-name", $"'{cookie.Name}' is not a cookie name (letters, digits and !#$%&'*+-.^_`|~)");
            }
            if (cookie.MaxAge < TimeSpan.Zero)
            {
                yield return ("affinity.max-age", $"must be 0 (a session cookie) or positive (was {cookie.MaxAge})");
            }
            if (!cookie.Path.StartsWith('/') || cookie.Path.Any(c => c < ' ' || c == ';'))
            {
                yield return ("affinity.path", $"must start with '/' and hold no ';' (was '{cookie.Path}')");
            }
            if (!Enum.IsDefined(cookie.SameSite))
            {
                yield return ("affinity.same-site", $"must be lax, strict or none (was {(int)cookie.SameSite})");
            }
        }
        if (affinity.Mode == AffinityMode.ClientIp && (affinity.ClientIpTimeout <= TimeSpan.Zero || affinity.ClientIpTimeout > MaxClientIpTimeout))
        {
            yield return ("affinity.timeout", $"must be positive and at most {MaxClientIpTimeout.TotalHours:0} hours (was {affinity.ClientIpTimeout})");
        }
    }

    /// <summary>Parses <c>none</c>, <c>sticky-cookie</c> or <c>client-ip</c>.</summary>
    /// <exception cref="FormatException">Another name.</exception>
    public static AffinityMode ParseAffinityMode(string name) => name.Trim().ToLowerInvariant() switch
    {
        "none" or "" => AffinityMode.None,
        "sticky-cookie" or "cookie" => AffinityMode.StickyCookie,
        "client-ip" => AffinityMode.ClientIp,
        _ => throw new FormatException($"affinity type '{name}' must be none, sticky-cookie or client-ip"),
    };

    /// <summary>The configuration name of <paramref name="mode"/>.</summary>
    public static string ToConfigName(this AffinityMode mode) => mode switch
    {
        AffinityMode.StickyCookie => "sticky-cookie",
        AffinityMode.ClientIp => "client-ip",
        _ => "none",
    };

    /// <summary>Parses <c>lax</c>, <c>strict</c> or <c>none</c>.</summary>
    /// <exception cref="FormatException">Another name.</exception>
    public static CookieSameSite ParseSameSite(string name) => name.Trim().ToLowerInvariant() switch
    {
        "lax" => CookieSameSite.Lax,
        "strict" => CookieSameSite.Strict,
        "none" => CookieSameSite.None,
        _ => throw new FormatException($"same-site '{name}' must be lax, strict or none"),
    };

    /// <summary>The configuration name of <paramref name="sameSite"/>.</summary>
    public static string ToConfigName(this CookieSameSite sameSite) => sameSite switch
    {
        CookieSameSite.Strict => "strict",
        CookieSameSite.None => "none",
        _ => "lax",
    };
}
