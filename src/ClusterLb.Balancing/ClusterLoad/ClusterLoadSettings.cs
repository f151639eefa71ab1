using ClusterLb.Hocon;

namespace ClusterLb.Balancing.ClusterLoad;

/// <summary>
/// How nodes share their per-host load (<c>clusterlb.cluster-load</c>): each node reports every
/// <see cref="Interval"/>, and a report older than <see cref="StaleAfter"/> stops counting.
/// </summary>
public sealed record ClusterLoadSettings
{
    /// <summary>Where the settings live in the configuration.</summary>
    public const string ConfigPath = "clusterlb.cluster-load";

    /// <summary>Whether the node reports and keeps the other nodes' reports.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How often the node publishes its report (and refreshes the cluster totals).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A node whose latest report is older than this is left out of the totals.</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Reads <c>clusterlb.cluster-load</c>; absent keys take the defaults.</summary>
    /// <exception cref="HoconException">A value out of range, naming the key and where it was set.</exception>
    public static ClusterLoadSettings FromConfig(Config? config)
    {
        var defaults = new ClusterLoadSettings();
        if (config is null || !config.HasPath(ConfigPath))
        {
            return defaults;
        }
        var c = config.GetConfig(ConfigPath);
        var settings = new ClusterLoadSettings
        {
            Enabled = c.GetBool("enabled", defaults.Enabled),
            Interval = c.GetDuration("interval", defaults.Interval),
            StaleAfter = c.GetDuration("stale-after", defaults.StaleAfter),
        };
        if (settings.Interval < TimeSpan.FromMilliseconds(10) || settings.Interval > TimeSpan.FromMinutes(1))
        {
            throw Invalid(c, "interval", $"must be from 10ms to 1m (was {DurationText.Format(settings.Interval)})");
        }
        if (settings.StaleAfter <= settings.Interval)
        {
            throw Invalid(c, "stale-after", $"must be longer than interval ({DurationText.Format(settings.Interval)}), e.g. 3 intervals (was {DurationText.Format(settings.StaleAfter)})");
        }
        return settings;
    }

    private static HoconException Invalid(Config c, string key, string reason)
    {
        var what = $"{ConfigPath}.{key} {reason}";
        return c.GetValue(key) is { } value ? new HoconException(value.Origin, what) : new HoconException(what);
    }
}
