using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Runtime.Tests.Support;

namespace ClusterLb.Runtime.Tests.Balancing;

/// <summary>Failures seen in proxied traffic reach the host's checker through the snapshot's outcome sink.</summary>
public sealed class PassiveHealthTests : BalancingTestKit
{
    [Fact]
    public async Task A_passive_failure_takes_a_host_out_and_its_down_time_brings_it_back_when_active_checks_are_off()
    {
        var events = HealthEvents();
        var passive = PassiveHealthSettings.Default with { DownTime = TimeSpan.FromMilliseconds(300) };
        var (_, handle) = await StartAsync(Pool("main", 0, Checks() with { Enabled = false }, passive, "a", "b"));

        var b = handle.Snapshot.Pools[0].Healthy.Single(h => h.Id == "b");
        RouteHandle.Complete(b, new RequestOutcome(0, TimeSpan.Zero, ConnectFailed: true));

        Assert.Contains("connect failure", ExpectHealth(events, "b", HostHealth.Down).Reason);
        await AwaitConditionAsync(() => Healthy(handle).SequenceEqual(["a"]), Deadline, ClusterSystems.PollInterval, "b to leave the snapshot");
        Assert.Contains("down-time", ExpectHealth(events, "b", HostHealth.Up).Reason);
        await AwaitConditionAsync(() => Healthy(handle).SequenceEqual(["a", "b"]), Deadline, ClusterSystems.PollInterval, "b to return after its down-time");
        Assert.Equal(0, Probes.Count("b.test"));
    }
}
