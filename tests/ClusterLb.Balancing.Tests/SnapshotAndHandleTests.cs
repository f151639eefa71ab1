using System.Collections.Immutable;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using static ClusterLb.Balancing.Tests.TestHosts;

namespace ClusterLb.Balancing.Tests;

public class SnapshotAndHandleTests
{
    private static PoolRoute Pool(string id, int priority, ImmutableArray<UpstreamHost> healthy, int total) =>
        new(id, priority, new RoundRobinPolicy(), healthy, Enumerable.Range(0, total).Select(i => i < healthy.Length ? healthy[i] : Host($"{id}-down{i}")).ToImmutableArray());

    [Fact]
    public void Empty_handle_picks_nothing_and_explains_why()
    {
        var handle = new RouteHandle("web");
        Assert.Null(handle.Pick());
        Assert.Equal("no healthy upstream host for service 'web' (0/0 hosts healthy)", handle.Snapshot.NoHostReason);
    }

    [Fact]
    public void Pick_uses_the_first_pool_with_a_healthy_host()
    {
        var primary = Hosts(1, 1);
        var backup = ImmutableArray.Create(Host("z"));
        var snapshot = new RoutingSnapshot("web", 1, [Pool("primary", 0, primary, 2), Pool("backup", 1, backup, 1)]);
        Assert.Contains(snapshot.Pick(), primary);

        var failedOver = new RoutingSnapshot("web", 2, [Pool("primary", 0, [], 2), Pool("backup", 1, backup, 1)]);
        Assert.Same(backup[0], failedOver.Pick());
        Assert.Equal(1, failedOver.HealthyHosts);
        Assert.Equal(3, failedOver.TotalHosts);

        var allDown = new RoutingSnapshot("web", 3, [Pool("primary", 0, [], 2), Pool("backup", 1, [], 1)]);
        Assert.Null(allDown.Pick());
        Assert.Contains("0/3 hosts healthy", allDown.NoHostReason);
    }

    [Fact]
    public void Handle_sees_each_published_snapshot()
    {
        var handle = new RouteHandle("web");
        var a = Host("a");
        var b = Host("b");
        handle.Publish(new RoutingSnapshot("web", 1, [Pool("p", 0, [a], 1)]));
        Assert.Same(a, handle.Pick());
        handle.Publish(new RoutingSnapshot("web", 2, [Pool("p", 0, [b], 1)]));
        Assert.Same(b, handle.Pick());
        Assert.Equal(2, handle.Snapshot.Version);
    }

    [Fact]
    public void Pick_and_complete_keep_in_flight_and_picks()
    {
        var a = Host("a");
        var handle = new RouteHandle("web");
        handle.Publish(new RoutingSnapshot("web", 1, [Pool("p", 0, [a], 1)]));

        var first = handle.Pick()!;
        var second = handle.Pick()!;
        Assert.Equal(2, a.Counters.InFlight);
        RouteHandle.Complete(first, new RequestOutcome(200, TimeSpan.FromMilliseconds(10), false));
        Assert.Equal(1, a.Counters.InFlight);
        RouteHandle.Complete(second, new RequestOutcome(200, TimeSpan.FromMilliseconds(20), false));
        Assert.Equal(0, a.Counters.InFlight);
        Assert.Equal(2, a.Counters.Picks);
        Assert.InRange(a.Counters.LatencyEwma.TotalMilliseconds, 10.0, 20.0);
    }

    [Fact]
    public void Pick_allocates_nothing_once_warm()
    {
        var hosts = Hosts(5, 3, 2);
        var handle = new RouteHandle("web");
        handle.Publish(new RoutingSnapshot("web", 1, [new PoolRoute("p", 0, new SmoothWeightedRoundRobinPolicy(), hosts, hosts)]));
        RouteHandle.Complete(handle.Pick()!, default);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            RouteHandle.Complete(handle.Pick()!, new RequestOutcome(200, TimeSpan.FromMilliseconds(1), false));
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Connect_failures_and_masked_statuses_are_reported_then_one_recovery()
    {
        var sink = new RecordingSink();
        var passive = PassiveHealthSettings.Default with { UnhealthyStatuses = StatusCodeSet.Parse("5xx") };
        var host = Host("a", sink: sink, passive: passive);

        RouteHandle.Complete(host, new RequestOutcome(0, TimeSpan.Zero, ConnectFailed: true));
        RouteHandle.Complete(host, new RequestOutcome(503, TimeSpan.Zero, false));
        RouteHandle.Complete(host, new RequestOutcome(404, TimeSpan.Zero, false));
        RouteHandle.Complete(host, new RequestOutcome(200, TimeSpan.Zero, false));

        Assert.Equal(["failure:0", "failure:503", "recovery"], sink.Events);
    }

    [Fact]
    public void Passive_disabled_reports_nothing()
    {
        var sink = new RecordingSink();
        var host = Host("a", sink: sink, passive: PassiveHealthSettings.Default with { Enabled = false });
        RouteHandle.Complete(host, new RequestOutcome(0, TimeSpan.Zero, ConnectFailed: true));
        Assert.Empty(sink.Events);
    }

    private sealed class RecordingSink : IHostOutcomeSink
    {
        public List<string> Events { get; } = [];

        public void ReportFailure(UpstreamHost host, in RequestOutcome outcome) => Events.Add($"failure:{outcome.StatusCode}");

        public void ReportRecovery(UpstreamHost host) => Events.Add("recovery");
    }
}
