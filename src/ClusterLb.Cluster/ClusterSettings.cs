using System.Collections.Immutable;

namespace ClusterLb.Cluster;

/// <summary>
/// Membership settings with Akka's defaults (keys under <c>clusterlb.cluster</c> in hocon/reference.conf).
/// Each default trades detection speed against false positives or gossip traffic; reference.conf says how.
/// </summary>
public sealed partial record ClusterSettings
{
    /// <summary>Seed nodes, in the same order on every node; the first one may form the cluster alone.</summary>
    public ImmutableArray<Address> SeedNodes { get; init; } = [];
    /// <summary>Roles of this node.</summary>
    public ImmutableSortedSet<string> Roles { get; init; } = ImmutableSortedSet<string>.Empty;
    /// <summary>Application version reported when joining.</summary>
    public string AppVersion { get; init; } = "0.0.0";
    /// <summary>The leader moves Joining members to Up only once the cluster has this many members.</summary>
    public int MinNrOfMembers { get; init; } = 1;
    /// <summary>Per-role variant of <see cref="MinNrOfMembers"/>.</summary>
    public ImmutableDictionary<string, int> MinNrOfMembersOfRole { get; init; } = ImmutableDictionary<string, int>.Empty;
    /// <summary>How often a node gossips to one partner.</summary>
    public TimeSpan GossipInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Gossip older than this on arrival is discarded.</summary>
    public TimeSpan GossipTimeToLive { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Chance of preferring a partner that has not seen our version.</summary>
    public double GossipDifferentViewProbability { get; init; } = 0.8;
    /// <summary>Cluster size above which that chance decays.</summary>
    public int ReduceGossipDifferentViewProbability { get; init; } = 400;
    /// <summary>How often the leader runs its actions.</summary>
    public TimeSpan LeaderActionsInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How often the failure detector's verdicts are copied into reachability.</summary>
    public TimeSpan UnreachableNodesReaperInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How long the first seed waits for another seed before forming the cluster itself; also the InitJoin resend period of other joiners.</summary>
    public TimeSpan SeedNodeTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Without a Welcome after this long, the join starts over; null = off.</summary>
    public TimeSpan? RetryUnsuccessfulJoinAfter { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Without convergence this long, reachable Joining members become WeaklyUp; null = off.</summary>
    public TimeSpan? AllowWeaklyUpMembers { get; init; } = TimeSpan.FromSeconds(7);
    /// <summary>Extra wait after a removal before singletons/shards move; null = off.</summary>
    public TimeSpan? DownRemovalMargin { get; init; }
    /// <summary>How long removed-member tombstones are kept.</summary>
    public TimeSpan PruneGossipTombstonesAfter { get; init; } = TimeSpan.FromHours(24);
    /// <summary>A downed node shuts itself down after at most this many leader ticks.</summary>
    public int MaxTicksBeforeShuttingDownMyself { get; init; } = 4;
    /// <summary>Failure detector and heartbeat settings.</summary>
    public FailureDetectorSettings FailureDetector { get; init; } = new();
    /// <summary>Split brain resolver settings.</summary>
    public SplitBrainResolverSettings SplitBrainResolver { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public ClusterSettings Validate()
    {
        if (MinNrOfMembers < 1) throw Bad("min-nr-of-members", MinNrOfMembers, "must be at least 1");
        foreach (var (role, n) in MinNrOfMembersOfRole)
            if (n < 1) throw Bad($"role.{role}.min-nr-of-members", n, "must be at least 1");
        Positive("gossip-interval", GossipInterval);
        Positive("gossip-time-to-live", GossipTimeToLive);
        Positive("leader-actions-interval", LeaderActionsInterval);
        Positive("unreachable-nodes-reaper-interval", UnreachableNodesReaperInterval);
        Positive("seed-node-timeout", SeedNodeTimeout);
        if (RetryUnsuccessfulJoinAfter is { } r) Positive("retry-unsuccessful-join-after", r);
        if (AllowWeaklyUpMembers is { } w) Positive("allow-weakly-up-members", w);
        Positive("prune-gossip-tombstones-after", PruneGossipTombstonesAfter);
        if (GossipDifferentViewProbability is < 0 or > 1)
            throw Bad("gossip-different-view-probability", GossipDifferentViewProbability, "must be between 0 and 1");
        FailureDetector.Validate();
        SplitBrainResolver.Validate();
        return this;
    }

    internal static void Positive(string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero) throw Bad(key, value, "must be greater than zero");
    }

    internal static ArgumentException Bad(string key, object value, string why) =>
        new($"clusterlb.cluster.{key} = {value} {why}.", key);
}

/// <summary>Heartbeat and phi accrual failure detector settings (Akka's defaults).</summary>
public sealed record FailureDetectorSettings
{
    /// <summary>Phi above which a node is considered unreachable. Lower detects faster, with more false alarms.</summary>
    public double Threshold { get; init; } = 8.0;
    /// <summary>Heartbeat intervals kept for the statistics.</summary>
    public int MaxSampleSize { get; init; } = 1000;
    /// <summary>Floor for the standard deviation, so a very regular network does not make phi hair-triggered.</summary>
    public TimeSpan MinStdDeviation { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Pause (GC, network) tolerated on top of the mean interval.</summary>
    public TimeSpan AcceptableHeartbeatPause { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>How often heartbeats are sent.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Assumed interval before any real sample exists.</summary>
    public TimeSpan FirstHeartbeatEstimate { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How many ring neighbours watch each node.</summary>
    public int MonitoredByNrOfMembers { get; init; } = 5;
    /// <summary>Start monitoring a new neighbour this long after the first heartbeat even if it never answered.</summary>
    public TimeSpan ExpectedResponseAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!(Threshold > 0)) throw ClusterSettings.Bad("failure-detector.threshold", Threshold, "must be greater than zero");
        if (MaxSampleSize < 1) throw ClusterSettings.Bad("failure-detector.max-sample-size", MaxSampleSize, "must be at least 1");
        ClusterSettings.Positive("failure-detector.min-std-deviation", MinStdDeviation);
        if (AcceptableHeartbeatPause < TimeSpan.Zero)
            throw ClusterSettings.Bad("failure-detector.acceptable-heartbeat-pause", AcceptableHeartbeatPause, "must not be negative");
        ClusterSettings.Positive("failure-detector.heartbeat-interval", HeartbeatInterval);
        ClusterSettings.Positive("failure-detector.first-heartbeat-estimate", FirstHeartbeatEstimate);
        ClusterSettings.Positive("failure-detector.expected-response-after", ExpectedResponseAfter);
        if (MonitoredByNrOfMembers < 1)
            throw ClusterSettings.Bad("failure-detector.monitored-by-nr-of-members", MonitoredByNrOfMembers, "must be at least 1");
    }
}

/// <summary>Which split brain resolver strategy is active.</summary>
public enum DowningStrategyKind
{
    /// <summary>The side with the majority of members survives (default).</summary>
    KeepMajority,
    /// <summary>A side with at least quorum-size members survives.</summary>
    StaticQuorum,
    /// <summary>The side with the oldest member survives.</summary>
    KeepOldest,
    /// <summary>Every node is downed.</summary>
    DownAll,
}

/// <summary>Split brain resolver settings (Akka's defaults).</summary>
public sealed record SplitBrainResolverSettings
{
    /// <summary>Active strategy; keep-majority by default.</summary>
    public DowningStrategyKind ActiveStrategy { get; init; } = DowningStrategyKind.KeepMajority;
    /// <summary>Decide only after membership and reachability were unchanged this long.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(20);
    /// <summary>Whether to down everyone when the unreachable set never stabilizes.</summary>
    public bool DownAllWhenUnstableEnabled { get; init; } = true;
    /// <summary>Explicit down-all-when-unstable duration; null = "on" = 3/4 of stable-after, at least 4 s.</summary>
    public TimeSpan? DownAllWhenUnstable { get; init; }
    /// <summary>keep-majority.role: count only members with this role ("" = all).</summary>
    public string KeepMajorityRole { get; init; } = "";
    /// <summary>static-quorum.quorum-size; required with static-quorum.</summary>
    public int? StaticQuorumSize { get; init; }
    /// <summary>static-quorum.role.</summary>
    public string StaticQuorumRole { get; init; } = "";
    /// <summary>keep-oldest.down-if-alone: an isolated oldest downs itself rather than the rest.</summary>
    public bool KeepOldestDownIfAlone { get; init; } = true;
    /// <summary>keep-oldest.role.</summary>
    public string KeepOldestRole { get; init; } = "";

    /// <summary>The instability window in effect, or null when the rule is off.</summary>
    public TimeSpan? EffectiveDownAllWhenUnstable =>
        !DownAllWhenUnstableEnabled ? null
        : DownAllWhenUnstable ?? TimeSpan.FromTicks(Math.Max(StableAfter.Ticks * 3 / 4, TimeSpan.FromSeconds(4).Ticks));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        ClusterSettings.Positive("split-brain-resolver.stable-after", StableAfter);
        if (DownAllWhenUnstable is { } d) ClusterSettings.Positive("split-brain-resolver.down-all-when-unstable", d);
        if (ActiveStrategy == DowningStrategyKind.StaticQuorum && StaticQuorumSize is not > 0)
            throw ClusterSettings.Bad("split-brain-resolver.static-quorum.quorum-size", StaticQuorumSize?.ToString() ?? "undefined",
                "must be set to at least 1 when active-strategy = static-quorum");
    }
}
