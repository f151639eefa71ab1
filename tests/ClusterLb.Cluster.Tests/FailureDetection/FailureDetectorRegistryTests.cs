using ClusterLb.Cluster.FailureDetection;

namespace ClusterLb.Cluster.Tests.FailureDetection;

public class FailureDetectorRegistryTests
{
    [Fact]
    public void Detectors_are_created_on_first_heartbeat_and_judged_independently()
    {
        var clock = new ManualClock();
        var registry = new FailureDetectorRegistry<string>(() => new PhiAccrualFailureDetector(new FailureDetectorSettings(), clock));
        Assert.True(registry.IsAvailable("a"));
        Assert.False(registry.IsMonitoring("a"));
        for (var i = 0; i < 10; i++)
        {
            registry.Heartbeat("a");
            registry.Heartbeat("b");
            clock.Ms += 1000;
        }
        for (var i = 0; i < 10; i++)
        {
            registry.Heartbeat("b");
            clock.Ms += 1000;
        }
        Assert.False(registry.IsAvailable("a"));
        Assert.True(registry.IsAvailable("b"));
        Assert.True(registry.IsMonitoring("a"));
        registry.Remove("a");
        Assert.True(registry.IsAvailable("a"));
        Assert.Equal(["b"], registry.Resources);
        registry.Reset();
        Assert.Empty(registry.Resources);
    }
}
