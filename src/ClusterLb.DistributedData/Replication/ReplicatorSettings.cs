using ClusterLb.Hocon;

namespace ClusterLb.DistributedData.Replication;

/// <summary>
/// Timing and size settings of the <see cref="Replicator"/>, with Akka.DistributedData's defaults
/// (see <c>clusterlb.distributed-data</c> in <c>hocon/reference.conf</c>).
/// </summary>
public sealed record ReplicatorSettings
{
    /// <summary>The configuration path of these settings.</summary>
    public const string ConfigPath = "clusterlb.distributed-data";

    /// <summary>How often one random peer gets the digests of one chunk of keys (anti-entropy). Lower repairs faster, costs more traffic.</summary>
    public TimeSpan GossipInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How often subscribers get the batched <see cref="Changed"/> notifications.</summary>
    public TimeSpan NotifySubscribersInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often local deltas are pushed to peers. Lower propagates faster, batches less.</summary>
    public TimeSpan DeltaPropagationInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Keys per anti-entropy status chunk and entries per delta or gossip message.</summary>
    public int MaxDeltaElements { get; init; } = 500;

    /// <summary>Upper bound of one replicator-to-replicator message; keep it below the transport's frame limit.</summary>
    public int MaxMessageSize { get; init; } = 100_000;

    /// <summary>How often the leader looks for removed replicas to prune.</summary>
    public TimeSpan PruningInterval { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long after a replica's removal its last updates are given to spread before pruning starts.</summary>
    public TimeSpan MaxPruningDissemination { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>How long a performed-pruning marker is kept so late data from the removed replica is still cleaned.</summary>
    public TimeSpan PruningMarkerTimeToLive { get; init; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Keys stored through <see cref="IDurableStore"/>; an entry ending in <c>*</c> is a prefix. None by default here (a
    /// bare replicator may have no store); the node's <c>reference.conf</c> sets <c>["registry-*"]</c>.
    /// </summary>
    public IReadOnlyList<string> DurableKeys { get; init; } = [];

    /// <summary>True when <paramref name="key"/> is durable.</summary>
    public bool IsDurable(string key)
    {
        foreach (var pattern in DurableKeys)
        {
            if (pattern.EndsWith('*')
                ? key.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal)
                : string.Equals(pattern, key, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads <c>clusterlb.distributed-data</c> from <paramref name="config"/>; missing keys keep their defaults, invalid
    /// values throw <see cref="ArgumentException"/> naming the key.
    /// </summary>
    public static ReplicatorSettings FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new ReplicatorSettings();
        if (!config.HasPath(ConfigPath))
        {
            return defaults;
        }

        var c = config.GetConfig(ConfigPath);
        var settings = new ReplicatorSettings
        {
            GossipInterval = Positive(c, "gossip-interval", defaults.GossipInterval),
            NotifySubscribersInterval = Positive(c, "notify-subscribers-interval", defaults.NotifySubscribersInterval),
            DeltaPropagationInterval = Positive(c, "delta-propagation-interval", defaults.DeltaPropagationInterval),
            MaxDeltaElements = AtLeast(c, "max-delta-elements", defaults.MaxDeltaElements, 1),
            MaxMessageSize = (int)Math.Min(int.MaxValue, c.GetBytes("max-message-size", defaults.MaxMessageSize)),
            PruningInterval = Positive(c, "pruning-interval", defaults.PruningInterval),
            MaxPruningDissemination = Positive(c, "max-pruning-dissemination", defaults.MaxPruningDissemination),
            PruningMarkerTimeToLive = Positive(c, "pruning-marker-time-to-live", defaults.PruningMarkerTimeToLive),
            DurableKeys = c.GetStringList("durable.keys", defaults.DurableKeys),
        };
        if (settings.MaxMessageSize < MinimumMessageSize)
        {
            throw new ArgumentException(
                $"{ConfigPath}.max-message-size must be at least {MinimumMessageSize} bytes, was {settings.MaxMessageSize}.", nameof(config));
        }

        return settings;
    }

    /// <summary>The smallest <see cref="MaxMessageSize"/> accepted: room for message headers and a few entries.</summary>
    public const int MinimumMessageSize = 1024;

    private static TimeSpan Positive(Config c, string key, TimeSpan fallback)
    {
        var value = c.GetDuration(key, fallback);
        return value > TimeSpan.Zero
            ? value
            : throw new ArgumentException($"{ConfigPath}.{key} must be positive, was {value}.", nameof(c));
    }

    private static int AtLeast(Config c, string key, int fallback, int minimum)
    {
        var value = c.GetInt(key, fallback);
        return value >= minimum
            ? value
            : throw new ArgumentException($"{ConfigPath}.{key} must be at least {minimum}, was {value}.", nameof(c));
    }
}
