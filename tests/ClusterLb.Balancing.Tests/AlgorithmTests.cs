using System.Collections.Immutable;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using static ClusterLb.Balancing.Tests.TestHosts;

namespace ClusterLb.Balancing.Tests;

public class AlgorithmTests
{
    public static TheoryData<IBalancingPolicy> Policies() => new() { new RoundRobinPolicy(), new SmoothWeightedRoundRobinPolicy(), new RandomPolicy(_ => 0) };

    [Theory]
    [MemberData(nameof(Policies))]
    public void No_candidates_gives_null(IBalancingPolicy policy) =>
        Assert.Null(policy.Pick(ImmutableArray<UpstreamHost>.Empty, default));

    [Theory]
    [MemberData(nameof(Policies))]
    public void One_candidate_is_always_picked(IBalancingPolicy policy)
    {
        var only = Hosts(7);
        for (var i = 0; i < 5; i++)
        {
            Assert.Same(only[0], policy.Pick(only, default));
        }
    }

    [Fact]
    public void Round_robin_cycles_in_order_and_splits_exactly()
    {
        var hosts = Hosts(1, 1, 1);
        var policy = new RoundRobinPolicy();
        Assert.Equal(["a", "b", "c", "a", "b"], Enumerable.Range(0, 5).Select(_ => policy.Pick(hosts, default)!.Id));
        var counts = Count(() => policy.Pick(hosts, default), 300);
        Assert.Equal([100, 100, 100], counts.OrderBy(c => c.Key).Select(c => c.Value));
    }

    [Fact]
    public void Round_robin_is_exact_under_concurrency()
    {
        var hosts = Hosts(1, 1, 1, 1);
        var policy = new RoundRobinPolicy();
        var counts = new int[4];
        Parallel.For(0, 40_000, _ => Interlocked.Increment(ref counts[policy.Pick(hosts, default)!.Id[0] - 'a']));
        Assert.All(counts, c => Assert.Equal(10_000, c));
    }

    [Fact]
    public void Smooth_weighted_cycle_matches_nginx_order_for_5_3_2()
    {
        // nginx's documented property: heavy hosts are interleaved, not bunched.
        var order = SmoothWeightedRoundRobinPolicy.BuildCycle([5, 3, 2]);
        Assert.Equal([0, 1, 2, 0, 0, 1, 0, 2, 1, 0], order);
    }

    [Fact]
    public void Smooth_weighted_gives_exact_shares_in_every_cycle()
    {
        var hosts = Hosts(5, 3, 2);
        var policy = new SmoothWeightedRoundRobinPolicy();
        for (var cycle = 0; cycle < 3; cycle++)
        {
            var counts = Count(() => policy.Pick(hosts, default), 10);
            Assert.Equal(5, counts["a"]);
            Assert.Equal(3, counts["b"]);
            Assert.Equal(2, counts["c"]);
        }
    }

    [Fact]
    public void Smooth_weighted_cycle_is_scale_invariant()
    {
        Assert.Equal(SmoothWeightedRoundRobinPolicy.BuildCycle([5, 3, 2]), SmoothWeightedRoundRobinPolicy.BuildCycle([50, 30, 20]));
    }

    [Fact]
    public void Smooth_weighted_follows_a_new_candidate_set()
    {
        var policy = new SmoothWeightedRoundRobinPolicy();
        var all = Hosts(5, 3, 2);
        Count(() => policy.Pick(all, default), 7);
        var withoutA = ImmutableArray.Create(all[1], all[2]);
        var counts = Count(() => policy.Pick(withoutA, default), 50);
        Assert.Equal(30, counts["b"]);
        Assert.Equal(20, counts["c"]);
        Assert.False(counts.ContainsKey("a"));
    }

    [Fact]
    public void Smooth_weighted_rejects_non_positive_weights() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => SmoothWeightedRoundRobinPolicy.BuildCycle([1, 0]));

    [Fact]
    public void Random_uses_the_injected_source()
    {
        var hosts = Hosts(1, 1, 1);
        var asked = new List<int>();
        var policy = new RandomPolicy(max => { asked.Add(max); return 2; });
        Assert.Same(hosts[2], policy.Pick(hosts, default));
        Assert.Equal([3], asked);
    }

    [Fact]
    public void Policy_choice_follows_method_and_weights()
    {
        PoolSettings Pool(BalancingMethod method, params int[] weights) => new("p", method, 0,
            weights.Select((w, i) => new HostSettings($"h{i}", new Uri("http://127.0.0.1:1"), w)).ToImmutableArray(),
            HealthCheckSettings.Default, PassiveHealthSettings.Default);

        Assert.IsType<RoundRobinPolicy>(BalancingPolicies.For(Pool(BalancingMethod.RoundRobin, 2, 2)));
        Assert.IsType<SmoothWeightedRoundRobinPolicy>(BalancingPolicies.For(Pool(BalancingMethod.RoundRobin, 2, 1)));
        Assert.IsType<RandomPolicy>(BalancingPolicies.For(Pool(BalancingMethod.Random, 2, 1)));
    }
}
