using ClusterLb.DistributedData.Replication;
using ClusterLb.Hocon;

namespace ClusterLb.DistributedData.Tests.Replication;

public class SettingsTests
{
    private static string ReferenceConf
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ClusterLb.slnx")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("repository root not found"), "hocon", "reference.conf");
        }
    }

    [Fact]
    public void Reference_conf_holds_the_code_defaults_and_makes_registry_keys_durable()
    {
        var config = ConfigFactory.ParseFile(ReferenceConf).Resolve();

        Assert.Equal(new ReplicatorSettings(), ReplicatorSettings.FromConfig(config) with { DurableKeys = [] });
        // The one deliberate difference: a bare Replicator has no durable keys (it may have no store), while the node's
        // shipped configuration makes the registry durable.
        Assert.Empty(new ReplicatorSettings().DurableKeys);
        Assert.Equal(["registry-*"], ReplicatorSettings.FromConfig(config).DurableKeys);
        foreach (var key in new[] { "gossip-interval", "notify-subscribers-interval", "delta-propagation-interval", "max-delta-elements",
                     "max-message-size", "pruning-interval", "max-pruning-dissemination", "pruning-marker-time-to-live", "durable.keys" })
        {
            Assert.True(config.HasPath($"clusterlb.distributed-data.{key}"), $"reference.conf documents {key}");
        }
    }

    [Fact]
    public void Values_are_read_from_config()
    {
        var config = ConfigFactory.ParseString("""
            clusterlb.distributed-data {
              gossip-interval = 500ms
              max-message-size = 64KiB
              max-delta-elements = 100
              durable.keys = ["pool-*", "routes"]
            }
            """).Resolve();

        var settings = ReplicatorSettings.FromConfig(config);

        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.GossipInterval);
        Assert.Equal(65536, settings.MaxMessageSize);
        Assert.Equal(100, settings.MaxDeltaElements);
        Assert.Equal(["pool-*", "routes"], settings.DurableKeys);
        Assert.Equal(TimeSpan.FromSeconds(120), settings.PruningInterval);
    }

    [Theory]
    [InlineData("gossip-interval = 0s", "gossip-interval")]
    [InlineData("max-delta-elements = 0", "max-delta-elements")]
    [InlineData("max-message-size = 100b", "max-message-size")]
    [InlineData("pruning-interval = -1s", "pruning-interval")]
    public void Invalid_values_name_the_key(string line, string key)
    {
        var config = ConfigFactory.ParseString($"clusterlb.distributed-data {{ {line} }}").Resolve();

        var e = Assert.ThrowsAny<Exception>(() => ReplicatorSettings.FromConfig(config));

        Assert.Contains(key, e.Message);
    }
}
