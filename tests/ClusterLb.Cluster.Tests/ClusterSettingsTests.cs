namespace ClusterLb.Cluster.Tests;

public class ClusterSettingsTests
{
    [Fact]
    public void Defaults_are_akkas()
    {
        var s = new ClusterSettings();
        Assert.Empty(s.SeedNodes);
        Assert.Equal(1, s.MinNrOfMembers);
        Assert.Equal(TimeSpan.FromSeconds(1), s.GossipInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), s.LeaderActionsInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), s.UnreachableNodesReaperInterval);
        Assert.Equal(TimeSpan.FromSeconds(5), s.SeedNodeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), s.RetryUnsuccessfulJoinAfter);
        Assert.Equal(TimeSpan.FromSeconds(7), s.AllowWeaklyUpMembers);
        Assert.Null(s.DownRemovalMargin);
        Assert.Equal(TimeSpan.FromHours(24), s.PruneGossipTombstonesAfter);
        Assert.Equal(0.8, s.GossipDifferentViewProbability);
        var fd = s.FailureDetector;
        Assert.Equal(8.0, fd.Threshold);
        Assert.Equal(1000, fd.MaxSampleSize);
        Assert.Equal(TimeSpan.FromMilliseconds(100), fd.MinStdDeviation);
        Assert.Equal(TimeSpan.FromSeconds(3), fd.AcceptableHeartbeatPause);
        Assert.Equal(TimeSpan.FromSeconds(1), fd.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), fd.FirstHeartbeatEstimate);
        Assert.Equal(5, fd.MonitoredByNrOfMembers);
        var sbr = s.SplitBrainResolver;
        Assert.Equal(DowningStrategyKind.KeepMajority, sbr.ActiveStrategy);
        Assert.Equal(TimeSpan.FromSeconds(20), sbr.StableAfter);
        Assert.Equal(TimeSpan.FromSeconds(15), sbr.EffectiveDownAllWhenUnstable);
        Assert.True(sbr.KeepOldestDownIfAlone);
        Assert.Same(s, s.Validate());
    }

    public static TheoryData<ClusterSettings, string> BadSettings() => new()
    {
        { new ClusterSettings { MinNrOfMembers = 0 }, "clusterlb.cluster.min-nr-of-members" },
        { new ClusterSettings { GossipInterval = TimeSpan.Zero }, "clusterlb.cluster.gossip-interval" },
        { new ClusterSettings { SeedNodeTimeout = TimeSpan.FromSeconds(-1) }, "clusterlb.cluster.seed-node-timeout" },
        { new ClusterSettings { RetryUnsuccessfulJoinAfter = TimeSpan.Zero }, "clusterlb.cluster.retry-unsuccessful-join-after" },
        { new ClusterSettings { GossipDifferentViewProbability = 1.5 }, "gossip-different-view-probability" },
        { new ClusterSettings { MinNrOfMembersOfRole = System.Collections.Immutable.ImmutableDictionary<string, int>.Empty.Add("db", 0) }, "role.db.min-nr-of-members" },
        { new ClusterSettings { FailureDetector = new() { MaxSampleSize = 0 } }, "failure-detector.max-sample-size" },
        { new ClusterSettings { FailureDetector = new() { MonitoredByNrOfMembers = 0 } }, "failure-detector.monitored-by-nr-of-members" },
        { new ClusterSettings { FailureDetector = new() { AcceptableHeartbeatPause = TimeSpan.FromSeconds(-1) } }, "failure-detector.acceptable-heartbeat-pause" },
        { new ClusterSettings { SplitBrainResolver = new() { StableAfter = TimeSpan.Zero } }, "split-brain-resolver.stable-after" },
    };

    [Theory, MemberData(nameof(BadSettings))]
    public void Invalid_settings_name_the_key(ClusterSettings settings, string key)
    {
        var e = Assert.Throws<ArgumentException>(() => settings.Validate());
        Assert.Contains(key, e.Message);
    }
}
