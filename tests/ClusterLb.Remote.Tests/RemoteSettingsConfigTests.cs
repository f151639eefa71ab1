using ClusterLb.Hocon;

namespace ClusterLb.Remote.Tests;

public sealed class RemoteSettingsConfigTests
{
    [Fact]
    public void Reference_conf_defaults_equal_the_built_in_defaults()
    {
        var config = ConfigFactory.ParseFile(Path.Combine(RepoRoot(), "hocon", "reference.conf")).Resolve();

        Assert.Equal(new RemoteSettings(), RemoteSettings.FromConfig(config));
    }

    [Fact]
    public void Reads_every_key()
    {
        var config = ConfigFactory.ParseString("""
            clusterlb.remote {
              system-name = lb, hostname = "0.0.0.0", port = 4053, public-hostname = lb1, public-port = 14053
              maximum-frame-size = 256 KiB, secret = "s", handshake-timeout = 3 s, retry-gate-closed-for = 1 s
              retry-gate-after-failures = 2, backoff { min = 50 ms, max = 2 s }, outbound-queue-size = 10
              system-message-resend-interval = 500 ms, system-message-buffer-size = 100
            }
            """).Resolve();

        var settings = RemoteSettings.FromConfig(config);

        Assert.Equal(new RemoteSettings
        {
            SystemName = "lb", Hostname = "0.0.0.0", Port = 4053, PublicHostname = "lb1", PublicPort = 14053,
            MaximumFrameSize = 256 * 1024, Secret = "s", HandshakeTimeout = TimeSpan.FromSeconds(3),
            RetryGateClosedFor = TimeSpan.FromSeconds(1), RetryGateAfterFailures = 2,
            BackoffMin = TimeSpan.FromMilliseconds(50), BackoffMax = TimeSpan.FromSeconds(2), OutboundQueueSize = 10,
            SystemMessageResendInterval = TimeSpan.FromMilliseconds(500), SystemMessageBufferSize = 100,
        }, settings);
    }

    [Fact]
    public void An_invalid_value_names_the_key()
    {
        var config = ConfigFactory.ParseString("clusterlb.remote.maximum-frame-size = 1 KiB").Resolve();

        var ex = Assert.Throws<ArgumentException>(() => RemoteSettings.FromConfig(config));
        Assert.Contains("clusterlb.remote.maximum-frame-size", ex.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_is_a_hocon_error()
    {
        var config = ConfigFactory.ParseString("clusterlb.remote.port = not-a-number").Resolve();

        Assert.ThrowsAny<HoconException>(() => RemoteSettings.FromConfig(config));
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClusterLb.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ClusterLb.slnx not found above the test directory.");
    }
}
