using Akka.Actor;
using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Routing;
using ClusterLb.Runtime.Balancing;
using ClusterLb.Runtime.Tests.Support;

namespace ClusterLb.Runtime.Tests.Balancing;

/// <summary>The balancer's status gathers every router's, each assembled from its checkers' reports.</summary>
public sealed class BalancerStatusTests : BalancingTestKit
{
    [Fact]
    public async Task Status_is_assembled_from_every_checker()
    {
        var events = HealthEvents();
        var (balancer, handle) = await StartAsync(Pool("main", 0, Checks(), null, "a", "b", "c"));
        Probes.Status["c.test"] = 404;
        ExpectHealth(events, "c", HostHealth.Down);
        await AwaitConditionAsync(() => Healthy(handle).Length == 2, Deadline, ClusterSystems.PollInterval, "c to leave the snapshot");
        var held = handle.Pick()!;

        var status = await balancer.Ask<BalancerStatus>(GetBalancerStatus.Instance, Deadline);

        var service = Assert.Single(status.Services);
        Assert.Equal("degraded", service.Status);
        Assert.Equal("2/3 hosts healthy", service.Detail);
        var hosts = service.Pools.Single().Hosts.ToDictionary(h => h.Id);
        Assert.Equal("down", hosts["c"].Health);
        Assert.True(hosts["c"].ConsecutiveFailures >= 2);
        Assert.Contains("404", hosts["c"].LastCheckError);
        Assert.Equal(1, hosts[held.Id].InFlight);
        RouteHandle.Complete(held, default);
    }
}
