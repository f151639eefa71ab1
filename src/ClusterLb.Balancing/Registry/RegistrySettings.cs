using ClusterLb.Hocon;

namespace ClusterLb.Balancing.Registry;

/// <summary>Timeouts of registry reads and writes (<c>clusterlb.registry</c>).</summary>
public sealed record RegistrySettings
{
    /// <summary>The configuration path of these settings.</summary>
    public const string ConfigPath = "clusterlb.registry";

    /// <summary>How long an admin write waits for a majority before it reports <c>local</c>.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long seeding waits for a majority read before it falls back to the local replica.</summary>
    public TimeSpan SeedReadTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Reads <c>clusterlb.registry</c>; missing keys keep their defaults.</summary>
    /// <exception cref="ArgumentException">A timeout is not positive (the message names the key).</exception>
    public static RegistrySettings FromConfig(Config? config)
    {
        var defaults = new RegistrySettings();
        if (config is null || !config.HasPath(ConfigPath))
        {
            return defaults;
        }
        var c = config.GetConfig(ConfigPath);
        return new RegistrySettings
        {
            WriteTimeout = Positive(c, "write-timeout", defaults.WriteTimeout),
            SeedReadTimeout = Positive(c, "seed-read-timeout", defaults.SeedReadTimeout),
        };
    }

    private static TimeSpan Positive(Config c, string key, TimeSpan fallback)
    {
        var value = c.GetDuration(key, fallback);
        return value > TimeSpan.Zero ? value : throw new ArgumentException($"{ConfigPath}.{key} must be positive (was {value}).");
    }
}
