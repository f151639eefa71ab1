using ClusterLb.Hocon;

namespace ClusterLb.Cluster.Tools;

/// <summary>Settings of the singleton managers (<c>clusterlb.cluster.singleton</c>).</summary>
public sealed record ClusterSingletonSettings
{
    /// <summary>The configuration path of the block.</summary>
    public const string ConfigPath = "clusterlb.cluster.singleton";

    /// <summary>How often the new oldest repeats HandOverToMe until the previous oldest answers HandOverDone or is removed.</summary>
    public TimeSpan HandOverRetryInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Extra wait before taking over from a previous oldest that was downed (not one that left): it may still be
    /// running its singleton on the other side of a partition until it notices it was downed. Zero = none.
    /// Read from <c>clusterlb.cluster.down-removal-margin</c>.
    /// </summary>
    public TimeSpan DownRemovalMargin { get; init; }

    /// <summary>Reads the settings; throws <see cref="ArgumentException"/> naming the key for an invalid value.</summary>
    public static ClusterSingletonSettings FromConfig(Config config, ClusterSettings cluster)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(cluster);
        var d = new ClusterSingletonSettings();
        var retry = config.GetConfig(ConfigPath, Config.Empty).GetDuration("hand-over-retry-interval", d.HandOverRetryInterval);
        if (retry <= TimeSpan.Zero)
            throw new ArgumentException($"{ConfigPath}.hand-over-retry-interval must be positive (was {retry}).", "hand-over-retry-interval");
        return new ClusterSingletonSettings { HandOverRetryInterval = retry, DownRemovalMargin = cluster.DownRemovalMargin ?? TimeSpan.Zero };
    }
}
