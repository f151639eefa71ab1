using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Routing;
using ClusterLb.Runtime.Tests.Support;

namespace ClusterLb.Runtime.Tests.Balancing;

/// <summary>The router publishes a new snapshot for each health change its checkers report.</summary>
public sealed class RouterFollowsHealthTests : BalancingTestKit
{
    [Fact]
    public async Task Failing_probes_publish_a_snapshot_without_the_host_and_good_probes_bring_it_back()
    {
        var events = HealthEvents();
        var (_, handle) = await StartAsync(Pool("main", 0, Checks(), null, "a", "b"));
        Assert.Equal(["a", "b"], Healthy(handle));
        var version = handle.Snapshot.Version;

        Probes.Status["b.test"] = 503;
        ExpectHealth(events, "b", HostHealth.Down);
        await AwaitConditionAsync(() => Healthy(handle).SequenceEqual(["a"]), Deadline, ClusterSystems.PollInterval, "b to leave the snapshot");
        Assert.True(handle.Snapshot.Version > version);
        for (var i = 0; i < 6; i++)
        {
            var picked = handle.Pick()!;
            Assert.Equal("a", picked.Id);
            RouteHandle.Complete(picked, default);
        }

        Probes.Status["b.test"] = 200;
        ExpectHealth(events, "b", HostHealth.Up);
        await AwaitConditionAsync(() => Healthy(handle).SequenceEqual(["a", "b"]), Deadline, ClusterSystems.PollInterval, "b to rise again");
    }

    [Fact]
    public async Task Pools_fail_over_in_priority_order()
    {
        var events = HealthEvents();
        var (_, handle) = await StartAsync(Pool("backup", 1, Checks(), null, "z"), Pool("main", 0, Checks(), null, "a"));
        Assert.Equal(["main", "backup"], handle.Snapshot.Pools.Select(p => p.Id));
        var first = handle.Pick()!;
        Assert.Equal("a", first.Id);
        RouteHandle.Complete(first, default);

        Probes.Status["a.test"] = 500;
        ExpectHealth(events, "a", HostHealth.Down);
        await AwaitConditionAsync(() => Healthy(handle).SequenceEqual(["z"]), Deadline, ClusterSystems.PollInterval, "main to have no healthy host");
        var picked = handle.Pick()!;
        Assert.Equal("z", picked.Id);
        RouteHandle.Complete(picked, default);
    }
}
