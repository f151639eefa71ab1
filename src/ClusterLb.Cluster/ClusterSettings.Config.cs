using System.Collections.Immutable;
using ClusterLb.Cluster.Wire;
using ClusterLb.Hocon;

namespace ClusterLb.Cluster;

public sealed partial record ClusterSettings
{
    /// <summary>The configuration path of the cluster block.</summary>
    public const string ConfigPath = "clusterlb.cluster";

    /// <summary>
    /// Reads <c>clusterlb.cluster</c> from a resolved configuration; absent keys keep their defaults.
    /// <c>seed-nodes</c> is a list of <c>clb://system@host:port</c> strings, or one comma-separated string (what
    /// <c>${?CLUSTER_SEEDS}</c> substitutes). Throws <see cref="HoconException"/> for a value of the wrong type and
    /// <see cref="ArgumentException"/> naming the key for an invalid one (a bad seed address included).
    /// </summary>
    public static ClusterSettings FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var d = new ClusterSettings();
        var c = config.GetConfig(ConfigPath, Config.Empty);
        var fd = c.GetConfig("failure-detector", Config.Empty);
        var sbr = c.GetConfig("split-brain-resolver", Config.Empty);
        var dfd = d.FailureDetector;
        var dsbr = d.SplitBrainResolver;

        return new ClusterSettings
        {
            SeedNodes = SeedNodesFrom(c),
            Roles = c.GetStringList("roles", []).ToImmutableSortedSet(StringComparer.Ordinal),
            AppVersion = c.GetString("app-version", d.AppVersion),
            MinNrOfMembers = c.GetInt("min-nr-of-members", d.MinNrOfMembers),
            MinNrOfMembersOfRole = RoleMinimums(c.GetConfig("role", Config.Empty)),
            GossipInterval = c.GetDuration("gossip-interval", d.GossipInterval),
            GossipTimeToLive = c.GetDuration("gossip-time-to-live", d.GossipTimeToLive),
            GossipDifferentViewProbability = c.GetDouble("gossip-different-view-probability", d.GossipDifferentViewProbability),
            ReduceGossipDifferentViewProbability = c.GetInt("reduce-gossip-different-view-probability", d.ReduceGossipDifferentViewProbability),
            LeaderActionsInterval = c.GetDuration("leader-actions-interval", d.LeaderActionsInterval),
            UnreachableNodesReaperInterval = c.GetDuration("unreachable-nodes-reaper-interval", d.UnreachableNodesReaperInterval),
            SeedNodeTimeout = c.GetDuration("seed-node-timeout", d.SeedNodeTimeout),
            RetryUnsuccessfulJoinAfter = OptionalDuration(c, "retry-unsuccessful-join-after", d.RetryUnsuccessfulJoinAfter),
            AllowWeaklyUpMembers = OptionalDuration(c, "allow-weakly-up-members", d.AllowWeaklyUpMembers),
            DownRemovalMargin = OptionalDuration(c, "down-removal-margin", d.DownRemovalMargin),
            PruneGossipTombstonesAfter = c.GetDuration("prune-gossip-tombstones-after", d.PruneGossipTombstonesAfter),
            MaxTicksBeforeShuttingDownMyself = c.GetInt("max-ticks-before-shutting-down-myself", d.MaxTicksBeforeShuttingDownMyself),
            FailureDetector = new FailureDetectorSettings
            {
                Threshold = fd.GetDouble("threshold", dfd.Threshold),
                MaxSampleSize = fd.GetInt("max-sample-size", dfd.MaxSampleSize),
                MinStdDeviation = fd.GetDuration("min-std-deviation", dfd.MinStdDeviation),
                AcceptableHeartbeatPause = fd.GetDuration("acceptable-heartbeat-pause", dfd.AcceptableHeartbeatPause),
                HeartbeatInterval = fd.GetDuration("heartbeat-interval", dfd.HeartbeatInterval),
                FirstHeartbeatEstimate = fd.GetDuration("first-heartbeat-estimate", dfd.FirstHeartbeatEstimate),
                MonitoredByNrOfMembers = fd.GetInt("monitored-by-nr-of-members", dfd.MonitoredByNrOfMembers),
                ExpectedResponseAfter = fd.GetDuration("expected-response-after", dfd.ExpectedResponseAfter),
            },
            SplitBrainResolver = new SplitBrainResolverSettings
            {
                ActiveStrategy = Strategy(sbr.GetString("active-strategy", "keep-majority")),
                StableAfter = sbr.GetDuration("stable-after", dsbr.StableAfter),
                DownAllWhenUnstableEnabled = !IsOff(sbr, "down-all-when-unstable"),
                DownAllWhenUnstable = IsOnOrOff(sbr, "down-all-when-unstable") ? null : sbr.GetDuration("down-all-when-unstable"),
                KeepMajorityRole = sbr.GetString("keep-majority.role", dsbr.KeepMajorityRole),
                StaticQuorumSize = sbr.HasPath("static-quorum.quorum-size") && sbr.GetString("static-quorum.quorum-size") != "undefined"
                    ? sbr.GetInt("static-quorum.quorum-size") : null,
                StaticQuorumRole = sbr.GetString("static-quorum.role", dsbr.StaticQuorumRole),
                KeepOldestDownIfAlone = sbr.GetBool("keep-oldest.down-if-alone", dsbr.KeepOldestDownIfAlone),
                KeepOldestRole = sbr.GetString("keep-oldest.role", dsbr.KeepOldestRole),
            },
        }.Validate();
    }

    /// <summary>Parses seed addresses: a HOCON list, or one comma-separated string (the CLUSTER_SEEDS form).</summary>
    public static ImmutableArray<Address> ParseSeedNodes(IEnumerable<string> entries)
    {
        var seeds = ImmutableArray.CreateBuilder<Address>();
        foreach (var entry in entries)
        foreach (var part in entry.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                var address = Address.Parse(part);
                if (address.Protocol != Address.DefaultProtocol)
                    throw new FormatException($"protocol must be '{Address.DefaultProtocol}'");
                seeds.Add(address.Normalize());
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new ArgumentException($"{ConfigPath}.seed-nodes: '{part}' is not a node address ({e.Message}); expected clb://system@host:port.", "seed-nodes", e);
            }
        }
        return seeds.ToImmutable();
    }

    private static ImmutableArray<Address> SeedNodesFrom(Config c)
    {
        if (!c.HasPath("seed-nodes")) return [];
        return c.GetValue("seed-nodes")!.Kind == Hocon.HoconValueKind.String
            ? ParseSeedNodes([c.GetString("seed-nodes")])
            : ParseSeedNodes(c.GetStringList("seed-nodes"));
    }

    private static ImmutableDictionary<string, int> RoleMinimums(Config role)
    {
        var result = ImmutableDictionary.CreateBuilder<string, int>(StringComparer.Ordinal);
        foreach (var name in role.Root.Keys)
            result[name] = role.GetInt($"\"{name}\".min-nr-of-members", 1);
        return result.ToImmutable();
    }

    private static bool IsOff(Config c, string key) =>
        c.HasPath(key) && c.GetValue(key) is { Kind: Hocon.HoconValueKind.Boolean or Hocon.HoconValueKind.String } && c.GetString(key) is "off" or "false" or "no";

    private static bool IsOnOrOff(Config c, string key) =>
        !c.HasPath(key) || c.GetString(key) is "on" or "off" or "true" or "false" or "yes" or "no";

    private static TimeSpan? OptionalDuration(Config c, string key, TimeSpan? fallback) =>
        !c.HasPath(key) ? fallback : c.GetString(key) is "off" or "false" or "no" ? null : c.GetDuration(key);

    private static DowningStrategyKind Strategy(string name) => name switch
    {
        "keep-majority" => DowningStrategyKind.KeepMajority,
        "static-quorum" => DowningStrategyKind.StaticQuorum,
        "keep-oldest" => DowningStrategyKind.KeepOldest,
        "down-all" => DowningStrategyKind.DownAll,
        _ => throw new ArgumentException(
            $"{ConfigPath}.split-brain-resolver.active-strategy = {name} is unknown; use keep-majority, static-quorum, keep-oldest or down-all.", "active-strategy"),
    };
}
