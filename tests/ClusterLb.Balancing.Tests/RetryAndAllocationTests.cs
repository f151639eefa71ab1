using System.Collections.Immutable;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using static ClusterLb.Balancing.Tests.TestHosts;

namespace ClusterLb.Balancing.Tests;

/// <summary>The rules every method keeps: tried hosts are skipped, and a warm pick allocates nothing.</summary>
public class RetryAndAllocationTests
{
    public static TheoryData<BalancingMethod> Methods() => TestPolicies.AllMethods();

    [Theory]
    [MemberData(nameof(Methods))]
    public void A_retry_never_returns_a_tried_host_while_an_untried_one_is_left(BalancingMethod method)
    {
        var hosts = Hosts(5, 1, 3, 1, 2);
        var policy = TestPolicies.Deterministic(method, seed: 4);
        var random = new Random(8);
        var tried = new UpstreamHost?[hosts.Length];
        for (var round = 0; round < 500; round++)
        {
            // Some hosts already tried (1 to 4 of 5), some in-flight noise for the load-aware methods.
            Array.Clear(tried);
            var triedCount = 1 + random.Next(4);
            foreach (var (host, slot) in hosts.OrderBy(_ => random.Next()).Take(triedCount).Select((h, i) => (h, i)))
            {
                tried[slot] = host;
            }
            hosts[random.Next(hosts.Length)].Counters.OnPicked();

            var context = new PickContext(StableHash.Of($"k{round}"), hasKey: round % 3 != 0, tried);
            var picked = policy.Pick(hosts, context);
            Assert.NotNull(picked);
            Assert.False(context.WasTried(picked), $"{method} returned a tried host on round {round}");
        }
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void With_every_host_tried_a_host_is_still_returned(BalancingMethod method)
    {
        var hosts = Hosts(1, 2, 3);
        UpstreamHost?[] tried = [.. hosts];
        var picked = TestPolicies.Deterministic(method).Pick(hosts, new PickContext(42, true, tried));
        Assert.Contains(picked, hosts);
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void A_host_entry_replaced_by_a_weight_change_still_counts_as_tried(BalancingMethod method)
    {
        var hosts = Hosts(1, 1);
        var old = Host("a");
        var reweighted = new UpstreamHost(hosts[0].ServiceName, hosts[0].PoolId, new HostSettings("a", hosts[0].Address, 3), hosts[0].Passive, hosts[0].Outcomes, old.Counters);
        ImmutableArray<UpstreamHost> current = [reweighted, hosts[1]];
        UpstreamHost?[] tried = [old];
        var policy = TestPolicies.Deterministic(method);
        for (var i = 0; i < 50; i++)
        {
            Assert.Same(hosts[1], policy.Pick(current, new PickContext((ulong)i * 7919, true, tried)));
        }
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void A_warm_pick_and_complete_allocates_nothing(BalancingMethod method) =>
        AssertWarmPicksAllocateNothing(method, BalancingOptions.Default with { HashBalanceFactor = method == BalancingMethod.Hash ? 1.25 : 0 });

    [Fact]
    public void A_warm_least_request_pick_over_the_clusters_in_flight_allocates_nothing() =>
        AssertWarmPicksAllocateNothing(BalancingMethod.LeastRequest, BalancingOptions.Default with { LoadScope = LoadScope.Cluster }, remoteInFlight: 3);

    private static void AssertWarmPicksAllocateNothing(BalancingMethod method, BalancingOptions options, int remoteInFlight = 0)
    {
        // The production policy (Random.Shared, Stopwatch), through the handle as the proxy calls it.
        var pool = TestPolicies.Pool(method, options, 5, 3, 2, 1, 1, 4, 2, 2);
        var hosts = pool.Hosts.Select(h => new UpstreamHost("svc", pool.Id, h, PassiveHealthSettings.Default, NullOutcomeSink.Instance)).ToImmutableArray();
        for (var i = 0; i < hosts.Length; i++)
        {
            hosts[i].Counters.SetClusterLoad(remoteInFlight * (i % 3), 0, remoteInFlight == 0 ? 0 : 2);
        }
        var handle = new RouteHandle("svc");
        handle.Publish(new RoutingSnapshot("svc", 1, [new PoolRoute(pool.Id, 0, BalancingPolicies.For(pool), hosts, hosts)]));
        var outcome = new RequestOutcome(200, TimeSpan.FromMilliseconds(3), false);
        var tried = new UpstreamHost?[2];
        var keys = Enumerable.Range(0, 64).Select(i => StableHash.Of($"key-{i}")).ToArray();

        void Run(int times)
        {
            for (var i = 0; i < times; i++)
            {
                // A first attempt, then a retry that excludes it; a keyless request now and then.
                var first = handle.Pick(new PickContext(keys[i & 63], (i & 7) != 0))!;
                tried[0] = first;
                var retry = handle.Pick(new PickContext(keys[i & 63], (i & 7) != 0, tried))!;
                tried[0] = null;
                RouteHandle.Complete(first, outcome);
                RouteHandle.Complete(retry, outcome);
            }
        }

        Run(2000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(20_000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
