using System.Globalization;
using System.Text.Json;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;

namespace ClusterLb.Balancing.Registry;

/// <summary>
/// A pool's options as JSON fields, named as in HOCON (<c>hash-key</c>, <c>hash-balance-factor</c>,
/// <c>slow-start</c>, <c>panic-threshold</c>, <c>load-scope</c>, <c>affinity { type, cookie-name, http-only, same-site, max-age,
/// path, timeout }</c>): the registry's pool entry and the admin API use one format.
/// </summary>
public static class BalancingOptionsJson
{
    /// <summary>The option fields a pool object may carry beside its own.</summary>
    public static readonly string[] Fields = ["hash-key", "hash-balance-factor", "slow-start", "panic-threshold", "load-scope", "affinity"];

    /// <summary>The fields of an <c>affinity</c> object.</summary>
    public static readonly string[] AffinityFields = ["type", "cookie-name", "http-only", "same-site", "max-age", "path", "timeout"];

    /// <summary>Writes the options that differ from the defaults.</summary>
    public static void Write(Utf8JsonWriter w, BalancingOptions options)
    {
        var d = BalancingOptions.Default;
        if (options.HashKey is { } key)
        {
            w.WriteString("hash-key", key.ToString());
        }
        if (options.HashBalanceFactor != d.HashBalanceFactor)
        {
            w.WriteNumber("hash-balance-factor", options.HashBalanceFactor);
        }
        if (options.SlowStart != d.SlowStart)
        {
            w.WriteString("slow-start", DurationText.Format(options.SlowStart));
        }
        if (options.PanicThreshold != d.PanicThreshold)
        {
            w.WriteNumber("panic-threshold", options.PanicThreshold);
        }
        if (options.LoadScope != d.LoadScope)
        {
            w.WriteString("load-scope", options.LoadScope.ToConfigName());
        }
        if (options.Affinity.Mode != AffinityMode.None)
        {
            w.WriteStartObject("affinity");
            WriteAffinity(w, options.Affinity);
            w.WriteEndObject();
        }
    }

    /// <summary>The affinity fields (also what status documents show).</summary>
    public static void WriteAffinity(Utf8JsonWriter w, AffinitySettings affinity)
    {
        w.WriteString("type", affinity.Mode.ToConfigName());
        if (affinity.Mode == AffinityMode.StickyCookie)
        {
            var c = affinity.Cookie;
            w.WriteString("cookie-name", c.Name);
            w.WriteBoolean("http-only", c.HttpOnly);
            w.WriteString("same-site", c.SameSite.ToConfigName());
            w.WriteString("max-age", DurationText.Format(c.MaxAge));
            w.WriteString("path", c.Path);
        }
        else if (affinity.Mode == AffinityMode.ClientIp)
        {
            w.WriteString("timeout", DurationText.Format(affinity.ClientIpTimeout));
        }
    }

    /// <summary>
    /// <paramref name="basis"/> with the option fields present in <paramref name="pool"/> applied; other properties
    /// are ignored. An <c>affinity</c> object replaces the whole affinity; a null <c>hash-key</c> clears it.
    /// </summary>
    /// <exception cref="BalancingOptionFormatException">A field of the wrong type or an unreadable value.</exception>
    public static BalancingOptions Read(JsonElement pool, BalancingOptions basis)
    {
        if (pool.ValueKind != JsonValueKind.Object)
        {
            throw new BalancingOptionFormatException("body", "must be a JSON object");
        }
        var options = basis;
        if (pool.TryGetProperty("hash-key", out var key))
        {
            options = options with
            {
                HashKey = key.ValueKind == JsonValueKind.Null ? null : Parse("hash-key", () => HashKey.Parse(String("hash-key", key))),
            };
        }
        if (pool.TryGetProperty("hash-balance-factor", out var factor))
        {
            options = options with { HashBalanceFactor = Number("hash-balance-factor", factor) };
        }
        if (pool.TryGetProperty("slow-start", out var slowStart))
        {
            options = options with { SlowStart = Duration("slow-start", slowStart) };
        }
        if (pool.TryGetProperty("panic-threshold", out var panic))
        {
            var value = Number("panic-threshold", panic);
            if (value != Math.Floor(value) || value is < int.MinValue or > int.MaxValue)
            {
                throw new BalancingOptionFormatException("panic-threshold", $"must be a whole percentage (was {panic.GetRawText()})");
            }
            options = options with { PanicThreshold = (int)value };
        }
        if (pool.TryGetProperty("load-scope", out var scope))
        {
            options = options with { LoadScope = Parse("load-scope", () => LoadScopeNames.Parse(String("load-scope", scope))) };
        }
        if (pool.TryGetProperty("affinity", out var affinity))
        {
            options = options with { Affinity = ReadAffinity(affinity) };
        }
        return options;
    }

    /// <summary>Reads an <c>affinity</c> object; absent fields take their defaults, unknown fields are refused.</summary>
    /// <exception cref="BalancingOptionFormatException">An unknown field or an unreadable value.</exception>
    public static AffinitySettings ReadAffinity(JsonElement affinity)
    {
        if (affinity.ValueKind != JsonValueKind.Object)
        {
            throw new BalancingOptionFormatException("affinity", $"must be an object like {{\"type\":\"sticky-cookie\"}} (was {affinity.ValueKind.ToString().ToLowerInvariant()})");
        }
        foreach (var property in affinity.EnumerateObject())
        {
            if (!AffinityFields.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new BalancingOptionFormatException($"affinity.{property.Name}", $"unknown field; expected only {string.Join(", ", AffinityFields)}");
            }
        }
        var d = AffinitySettings.None;
        var cookie = d.Cookie;
        var mode = affinity.TryGetProperty("type", out var type)
            ? Parse("affinity.type", () => BalancingOptionsRules.ParseAffinityMode(String("affinity.type", type)))
            : throw new BalancingOptionFormatException("affinity.type", "is required: none, sticky-cookie or client-ip");
        if (affinity.TryGetProperty("cookie-name", out var name))
        {
            cookie = cookie with { Name = String("affinity.cookie-name", name) };
        }
        if (affinity.TryGetProperty("http-only", out var httpOnly))
        {
            cookie = cookie with
            {
                HttpOnly = httpOnly.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? httpOnly.GetBoolean()
                    : throw new BalancingOptionFormatException("affinity.http-only", "must be true or false"),
            };
        }
        if (affinity.TryGetProperty("same-site", out var sameSite))
        {
            cookie = cookie with { SameSite = Parse("affinity.same-site", () => BalancingOptionsRules.ParseSameSite(String("affinity.same-site", sameSite))) };
        }
        if (affinity.TryGetProperty("max-age", out var maxAge))
        {
            cookie = cookie with { MaxAge = Duration("affinity.max-age", maxAge) };
        }
        if (affinity.TryGetProperty("path", out var path))
        {
            cookie = cookie with { Path = String("affinity.path", path) };
        }
        var timeout = affinity.TryGetProperty("timeout", out var t) ? Duration("affinity.timeout", t) : d.ClientIpTimeout;
        return new AffinitySettings(mode, cookie, timeout);
    }

    private static string String(string field, JsonElement value) =>
        value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new BalancingOptionFormatException(field, $"must be a string (was {value.ValueKind.ToString().ToLowerInvariant()})");

    private static double Number(string field, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
            ? number
            : throw new BalancingOptionFormatException(field, $"must be a number (was {value.GetRawText()})");

    private static TimeSpan Duration(string field, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Parse(field, () => DurationText.Parse(value.GetString()!)),
        // A bare number is milliseconds, as in HOCON.
        JsonValueKind.Number => TimeSpan.FromMilliseconds(Number(field, value)),
        _ => throw new BalancingOptionFormatException(field, $"must be a duration such as \"30s\" (was {value.GetRawText()})"),
    };

    private static T Parse<T>(string field, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (FormatException ex) when (ex is not BalancingOptionFormatException)
        {
            throw new BalancingOptionFormatException(field, ex.Message);
        }
        catch (OverflowException ex)
        {
            throw new BalancingOptionFormatException(field, ex.Message);
        }
    }

    /// <summary>A number with invariant formatting, for documents.</summary>
    public static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
