using ClusterLb.Hocon;

namespace ClusterLb.Cluster.Tests;

public class ClusterSettingsFromConfigTests
{
    private static ClusterSettings Read(string hocon) => ClusterSettings.FromConfig(ConfigFactory.ParseString(hocon).Resolve());

    [Fact]
    public void Absent_block_gives_the_defaults()
    {
        var s = ClusterSettings.FromConfig(Config.Empty);
        Assert.Equal(new ClusterSettings().GossipInterval, s.GossipInterval);
        Assert.Empty(s.SeedNodes);
        Assert.Equal(DowningStrategyKind.KeepMajority, s.SplitBrainResolver.ActiveStrategy);
    }

    [Fact]
    public void Seed_nodes_list_is_read_in_order_with_lower_case_hosts()
    {
        var s = Read("""clusterlb.cluster.seed-nodes = ["clb://clusterlb@LB1:4053", "clb://clusterlb@lb2:4053"]""");
        Assert.Equal(["clb://clusterlb@lb1:4053", "clb://clusterlb@lb2:4053"], s.SeedNodes.Select(a => a.ToString()));
    }

    [Fact]
    public void A_comma_separated_string_is_split_like_CLUSTER_SEEDS()
    {
        var s = Read("""clusterlb.cluster.seed-nodes = "clb://clusterlb@lb1:4053, clb://clusterlb@lb2:4053," """);
        Assert.Equal(2, s.SeedNodes.Length);
        Assert.Equal(4053, s.SeedNodes[1].Port);
    }

    [Fact]
    public void A_bad_seed_address_names_the_key_and_the_value()
    {
        var e = Assert.Throws<ArgumentException>(() => Read("""clusterlb.cluster.seed-nodes = ["lb1:4053"]"""));
        Assert.Contains("seed-nodes", e.Message);
        Assert.Contains("lb1:4053", e.Message);
    }

    [Fact]
    public void Timings_off_values_and_strategy_are_read()
    {
        var s = Read("""
            clusterlb.cluster {
              gossip-interval = 200ms
              retry-unsuccessful-join-after = off
              allow-weakly-up-members = off
              roles = [lb, web]
              failure-detector { heartbeat-interval = 250ms, acceptable-heartbeat-pause = 1s }
              split-brain-resolver { active-strategy = static-quorum, stable-after = 3s, static-quorum.quorum-size = 2, down-all-when-unstable = off }
            }
            """);
        Assert.Equal(TimeSpan.FromMilliseconds(200), s.GossipInterval);
        Assert.Null(s.RetryUnsuccessfulJoinAfter);
        Assert.Null(s.AllowWeaklyUpMembers);
        Assert.Equal(["lb", "web"], s.Roles);
        Assert.Equal(TimeSpan.FromMilliseconds(250), s.FailureDetector.HeartbeatInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), s.FailureDetector.AcceptableHeartbeatPause);
        Assert.Equal(DowningStrategyKind.StaticQuorum, s.SplitBrainResolver.ActiveStrategy);
        Assert.Equal(2, s.SplitBrainResolver.StaticQuorumSize);
        Assert.False(s.SplitBrainResolver.DownAllWhenUnstableEnabled);
    }

    [Fact]
    public void An_unknown_strategy_is_an_error_naming_the_choices()
    {
        var e = Assert.Throws<ArgumentException>(() => Read("clusterlb.cluster.split-brain-resolver.active-strategy = keep-everything"));
        Assert.Contains("keep-majority", e.Message);
    }

    [Fact]
    public void The_reference_conf_reads_without_error_and_matches_the_defaults()
    {
        var root = AppContext.BaseDirectory;
        var dir = new DirectoryInfo(root);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ClusterLb.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var config = ConfigFactory.ParseFile(Path.Combine(dir!.FullName, "hocon", "reference.conf")).Resolve();
        var s = ClusterSettings.FromConfig(config);
        var d = new ClusterSettings();
        Assert.Equal(d.GossipInterval, s.GossipInterval);
        Assert.Equal(d.SplitBrainResolver.StableAfter, s.SplitBrainResolver.StableAfter);
        Assert.Equal(d.FailureDetector.AcceptableHeartbeatPause, s.FailureDetector.AcceptableHeartbeatPause);
        Assert.Empty(s.SeedNodes);
        Assert.Equal(new Tools.ClusterSingletonSettings(), Tools.ClusterSingletonSettings.FromConfig(config, s));
        if (Environment.GetEnvironmentVariable("CLUSTER_SECRET") is null) Assert.Equal("", config.GetString("clusterlb.cluster.secret"));
        Assert.False(config.GetBool(ClusterNode.AllowUnauthenticatedKey));
    }

    [Fact]
    public void The_cluster_port_and_public_hostname_win_over_the_remote_block()
    {
        var config = ConfigFactory.ParseString("""
            clusterlb.remote { port = 2552, public-hostname = "" }
            clusterlb.cluster { port = 4053, public-hostname = lb1 }
            """).Resolve();
        var r = ClusterNode.RemoteSettingsFor(config);
        Assert.Equal(4053, r.Port);
        Assert.Equal("lb1", r.PublicHostname);
    }
}
