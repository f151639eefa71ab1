using System.Text.Json.Serialization;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;

namespace ClusterLb.Balancing.Reporting;

/// <summary>A pool's options as status and admin documents show them: HOCON's names, only those that are set.</summary>
/// <param name="HashKey">The <c>hash</c> key, such as <c>header:X-User</c>.</param>
/// <param name="HashBalanceFactor">Bounded-load factor; absent when off.</param>
/// <param name="SlowStart">Slow-start window, such as <c>30s</c>; absent when off.</param>
/// <param name="PanicThreshold">Panic threshold in percent; absent when off.</param>
/// <param name="Affinity">Affinity; absent when none.</param>
public sealed record PoolOptionsStatus(
    [property: JsonPropertyName("hash-key"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? HashKey,
    [property: JsonPropertyName("hash-balance-factor"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? HashBalanceFactor,
    [property: JsonPropertyName("slow-start"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SlowStart,
    [property: JsonPropertyName("panic-threshold"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? PanicThreshold,
    [property: JsonPropertyName("affinity"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AffinityStatus? Affinity)
{
    /// <summary><c>cluster</c> when least-request weighs the whole cluster's requests in flight; absent for <c>node</c>.</summary>
    [JsonPropertyName("load-scope"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LoadScope { get; init; }

    /// <summary>The document of <paramref name="options"/>.</summary>
    public static PoolOptionsStatus From(BalancingOptions options) => new(
        options.HashKey?.ToString(),
        options.HashBalanceFactor == 0 ? null : options.HashBalanceFactor,
        options.SlowStart == TimeSpan.Zero ? null : DurationText.Format(options.SlowStart),
        options.PanicThreshold == 0 ? null : options.PanicThreshold,
        AffinityStatus.From(options.Affinity))
    {
        LoadScope = options.LoadScope == Settings.LoadScope.Node ? null : options.LoadScope.ToConfigName(),
    };
}

/// <summary>A pool's affinity as documents show it.</summary>
/// <param name="Type"><c>sticky-cookie</c> or <c>client-ip</c>.</param>
/// <param name="CookieName">Sticky cookie name.</param>
/// <param name="HttpOnly">Sticky cookie HttpOnly.</param>
/// <param name="SameSite">Sticky cookie SameSite.</param>
/// <param name="MaxAge">Sticky cookie lifetime (<c>0s</c>: session).</param>
/// <param name="Path">Sticky cookie path.</param>
/// <param name="Timeout">Client-IP idle timeout.</param>
public sealed record AffinityStatus(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("cookie-name"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CookieName,
    [property: JsonPropertyName("http-only"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? HttpOnly,
    [property: JsonPropertyName("same-site"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SameSite,
    [property: JsonPropertyName("max-age"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MaxAge,
    [property: JsonPropertyName("path"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Path,
    [property: JsonPropertyName("timeout"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Timeout)
{
    /// <summary>The document of <paramref name="affinity"/>; null when there is none.</summary>
    public static AffinityStatus? From(AffinitySettings affinity) => affinity.Mode switch
    {
        AffinityMode.StickyCookie => new("sticky-cookie", affinity.Cookie.Name, affinity.Cookie.HttpOnly, affinity.Cookie.SameSite.ToConfigName(),
            DurationText.Format(affinity.Cookie.MaxAge), affinity.Cookie.Path, null),
        AffinityMode.ClientIp => new("client-ip", null, null, null, null, null, DurationText.Format(affinity.ClientIpTimeout)),
        _ => null,
    };
}
