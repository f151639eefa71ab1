using ClusterLb.Cluster.Tools;
using ClusterLb.Hocon;

namespace ClusterLb.Cluster.Tests;

public class ClusterSingletonSettingsTests
{
    private static ClusterSingletonSettings Parse(string hocon)
    {
        var config = ConfigFactory.ParseString(hocon).Resolve();
        return ClusterSingletonSettings.FromConfig(config, ClusterSettings.FromConfig(config));
    }

    [Fact]
    public void Defaults_retry_every_second_and_take_over_from_a_downed_oldest_without_margin()
    {
        var s = Parse("");
        Assert.Equal(TimeSpan.FromSeconds(1), s.HandOverRetryInterval);
        Assert.Equal(TimeSpan.Zero, s.DownRemovalMargin);
    }

    [Fact]
    public void The_retry_interval_and_the_cluster_down_removal_margin_are_read()
    {
        var s = Parse("clusterlb.cluster { down-removal-margin = 20s, singleton.hand-over-retry-interval = 250ms }");
        Assert.Equal(TimeSpan.FromMilliseconds(250), s.HandOverRetryInterval);
        Assert.Equal(TimeSpan.FromSeconds(20), s.DownRemovalMargin);
    }

    [Fact]
    public void A_non_positive_retry_interval_is_refused_naming_the_key()
    {
        var e = Assert.Throws<ArgumentException>(() => Parse("clusterlb.cluster.singleton.hand-over-retry-interval = 0s"));
        Assert.Contains("clusterlb.cluster.singleton.hand-over-retry-interval", e.Message);
    }
}
