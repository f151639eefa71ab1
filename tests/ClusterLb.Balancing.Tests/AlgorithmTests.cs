using System.Collections.Immutable;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using static ClusterLb.Balancing.Tests.TestHosts;

namespace ClusterLb.Balancing.Tests;

public class AlgorithmTests
{
    public static TheoryData<IBalancingPolicy> Policies() =>
        [new RoundRobinPolicy(), .. TestPolicies.Methods.Select(m => TestPolicies.Deterministic(m))];

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

    [Theory]
    [InlineData(new[] { 6, 3 }, new[] { 2, 1 })]
    [InlineData(new[] { 49, 7, 14 }, new[] { 7, 1, 2 })]
    [InlineData(new[] { 999, 333 }, new[] { 3, 1 })]
    public void Smooth_weighted_cycle_divides_by_the_exact_common_divisor(int[] weights, int[] reduced)
    {
        var order = SmoothWeightedRoundRobinPolicy.BuildCycle(weights);
        Assert.Equal(reduced, Enumerable.Range(0, weights.Length).Select(i => order.Count(o => o == i)));
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
    public void Smooth_weighted_cycle_stays_bounded_for_large_ramped_weights()
    {
        // Slow start publishes ramped weights; 200 hosts at up to 100,000 would be a 10^7-long exact cycle.
        var weights = Enumerable.Range(0, 200).Select(i => 50_000 + (i * 250)).ToArray();
        var order = SmoothWeightedRoundRobinPolicy.BuildCycle(weights);
        Assert.InRange(order.Length, 1, (SmoothWeightedRoundRobinPolicy.MaxBuildSteps / weights.Length) + weights.Length);
        var counts = new int[weights.Length];
        foreach (var i in order)
        {
            counts[i]++;
        }
        double total = weights.Sum(w => (long)w);
        for (var i = 0; i < weights.Length; i++)
        {
            Assert.InRange(counts[i] / (double)order.Length, (weights[i] / total) * 0.95, (weights[i] / total) * 1.05);
        }
    }

    [Fact]
    public void Round_robin_rotates_plainly_while_published_weights_are_equal_then_weights_them()
    {
        var policy = new SmoothWeightedRoundRobinPolicy();
        var equal = Hosts(4, 4, 4);
        Assert.Equal(["a", "b", "c", "a", "b", "c"], Enumerable.Range(0, 6).Select(_ => policy.Pick(equal, default)!.Id));
        var ramped = Hosts(4, 4, 1);
        var counts = Count(() => policy.Pick(ramped, default), 90);
        Assert.Equal((40, 40, 10), (counts["a"], counts["b"], counts["c"]));
    }

    [Fact]
    public void Policy_choice_follows_method_and_options()
    {
        Assert.IsType<SmoothWeightedRoundRobinPolicy>(BalancingPolicies.For(TestPolicies.Pool(BalancingMethod.RoundRobin, null, 2, 2)));
        Assert.IsType<SmoothWeightedRoundRobinPolicy>(BalancingPolicies.For(TestPolicies.Pool(BalancingMethod.RoundRobin, null, 2, 1)));
        Assert.IsType<RandomPolicy>(BalancingPolicies.For(TestPolicies.Pool(BalancingMethod.Random, null, 2, 1)));
        Assert.IsType<LeastRequestPolicy>(BalancingPolicies.For(TestPolicies.Pool(BalancingMethod.LeastRequest, null, 1)));
        Assert.IsType<PowerOfTwoChoicesPolicy>(BalancingPolicies.For(TestPolicies.Pool(BalancingMethod.PowerOfTwoChoices, null, 1)));
        Assert.IsType<PeakEwmaPolicy>(BalancingPolicies.For(TestPolicies.Pool(BalancingMethod.PeakEwma, null, 1)));
        Assert.Equal(0, Assert.IsType<MaglevHashPolicy>(BalancingPolicies.For(TestPolicies.Pool(BalancingMethod.IpHash, null, 1))).BalanceFactor);
        var bounded = BalancingOptions.Default with { HashKey = HashKey.Parse("header:X-User"), HashBalanceFactor = 1.25 };
        Assert.Equal(1.25, Assert.IsType<MaglevHashPolicy>(BalancingPolicies.For(TestPolicies.Pool(BalancingMethod.Hash, bounded, 1))).BalanceFactor);
        Assert.All(TestPolicies.Methods, m => Assert.NotNull(BalancingPolicies.For(TestPolicies.Pool(m, null, 1, 2))));
    }
}
