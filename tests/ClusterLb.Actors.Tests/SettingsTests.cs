using ClusterLb.Hocon;

namespace ClusterLb.Actors.Tests;

public class SettingsTests
{
    private static string ReferenceConf => Path.Combine(RepoRoot(), "hocon", "reference.conf");

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "ClusterLb.slnx")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        }

        return dir;
    }

    [Fact]
    public void Reference_conf_defaults_equal_the_code_defaults()
    {
        var config = ConfigFactory.ParseFile(ReferenceConf).Resolve(new HoconResolveOptions { UseEnvironment = false });
        var settings = ActorSettings.FromConfig(config);
        var defaults = ActorSettings.Default;
        Assert.Equal(defaults.DefaultThroughput, settings.DefaultThroughput);
        Assert.Equal(defaults.DeadLetterLogLimit, settings.DeadLetterLogLimit);
        Assert.Equal(defaults.DeadLetterLogInterval, settings.DeadLetterLogInterval);
        Assert.Equal(defaults.DefaultPhaseTimeout, settings.DefaultPhaseTimeout);
        Assert.Equal(defaults.RunCoordinatedShutdownOnTerminate, settings.RunCoordinatedShutdownOnTerminate);
        Assert.Equal(defaults.PhaseTimeouts.OrderBy(p => p.Key), settings.PhaseTimeouts.OrderBy(p => p.Key));
    }

    [Fact]
    public async Task The_system_reads_clusterlb_actor_settings_from_Config()
    {
        var config = ConfigFactory.ParseString("""
            clusterlb.actor {
              throughput = 7
              dead-letters { log-limit = 3, log-interval = 2s }
              coordinated-shutdown {
                default-phase-timeout = 1500ms
                phases { service-unbind.timeout = 250ms }
              }
            }
            """);
        await using var sys = ActorSystem.Create("cfg", new ActorSystemSetup(config));
        Assert.Equal(7, sys.ActorSettings.DefaultThroughput);
        Assert.Equal(3, sys.ActorSettings.DeadLetterLogLimit);
        Assert.Equal(TimeSpan.FromSeconds(2), sys.ActorSettings.DeadLetterLogInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(250), sys.CoordinatedShutdown.Timeout(CoordinatedShutdown.PhaseServiceUnbind));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), sys.CoordinatedShutdown.Timeout(CoordinatedShutdown.PhaseServiceStop));
        Assert.Equal(TimeSpan.FromSeconds(10), sys.CoordinatedShutdown.Timeout(CoordinatedShutdown.PhaseClusterExiting));
        Assert.True(sys.Settings.HasPath("clusterlb.actor.throughput"));
    }

    [Theory]
    [InlineData("clusterlb.actor.coordinated-shutdown.phases { no-such-phase.timeout = 1s }", "no-such-phase")]
    [InlineData("clusterlb.actor.throughput = 0", "clusterlb.actor.throughput")]
    [InlineData("clusterlb.actor.dead-letters.log-interval = 0s", "log-interval")]
    public void Bad_settings_fail_at_startup_naming_the_key(string hocon, string expected)
    {
        var config = ConfigFactory.ParseString(hocon);
        var ex = Assert.ThrowsAny<Exception>(() => ActorSystem.Create("bad", new ActorSystemSetup(config)));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void A_value_of_the_wrong_type_fails_with_the_hocon_error()
    {
        var config = ConfigFactory.ParseString("clusterlb.actor.throughput = lots");
        var ex = Assert.ThrowsAny<Exception>(() => ActorSystem.Create("bad", new ActorSystemSetup(config)));
        Assert.Contains("throughput", ex.Message);
    }
}
