using System.Collections.Immutable;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Routing;
using static ClusterLb.Balancing.Tests.TestHosts;

namespace ClusterLb.Balancing.Tests;

/// <summary>Statistical shares of the weight-following methods, with seeded randomness.</summary>
public class WeightedShareTests
{
    private static readonly int[] Weights = [5, 3, 2];

    private static void AssertShares(IReadOnlyDictionary<string, int> counts, double tolerance)
    {
        double total = counts.Values.Sum();
        for (var i = 0; i < Weights.Length; i++)
        {
            var expected = Weights[i] / (double)Weights.Sum();
            var actual = counts.GetValueOrDefault(((char)('a' + i)).ToString()) / total;
            Assert.InRange(actual, expected - tolerance, expected + tolerance);
        }
    }

    [Fact]
    public void Random_follows_weights_within_one_percent()
    {
        // 100,000 draws: one standard deviation of a share is at most 0.16 %, so 1 % is over six of them.
        var hosts = Hosts(Weights);
        var policy = new RandomPolicy(new Random(42).Next);
        AssertShares(Count(() => policy.Pick(hosts, default), 100_000), 0.01);
    }

    [Fact]
    public void Random_with_equal_weights_is_uniform_within_one_percent()
    {
        var hosts = Hosts(1, 1, 1, 1);
        var policy = new RandomPolicy(new Random(7).Next);
        var counts = Count(() => policy.Pick(hosts, default), 100_000);
        Assert.All(counts.Values, c => Assert.InRange(c / 100_000.0, 0.24, 0.26));
    }

    [Fact]
    public void Random_maps_each_point_of_the_weight_line_to_its_owner()
    {
        // Weights 5, 3, 2: points 0-4 are a, 5-7 b, 8-9 c.
        var hosts = Hosts(Weights);
        var expected = "aaaaabbbcc";
        for (var point = 0; point < 10; point++)
        {
            var p = point;
            Assert.Equal(expected[point].ToString(), new RandomPolicy(max => { Assert.Equal(10, max); return p; }).Pick(hosts, default)!.Id);
        }
    }

    [Fact]
    public void Least_request_keeps_in_flight_proportional_to_weight()
    {
        // Picks without completes: the scores (in flight + 1) / weight stay level, so in flight follows weight.
        var hosts = Hosts(Weights);
        var policy = new LeastRequestPolicy();
        for (var i = 0; i < 1000; i++)
        {
            policy.Pick(hosts, default)!.Counters.OnPicked();
        }
        Assert.Equal([500, 300, 200], hosts.Select(h => h.Counters.InFlight).ToArray().Select(n => (int)Math.Round(n / 10.0) * 10));
        Assert.All(hosts.Select((h, i) => Math.Abs(h.Counters.InFlight - (Weights[i] * 100))), d => Assert.InRange(d, 0, 1));
    }

    [Fact]
    public void P2c_keeps_in_flight_near_weight_shares()
    {
        var hosts = Hosts(Weights);
        var policy = new PowerOfTwoChoicesPolicy(new Random(3).Next);
        for (var i = 0; i < 10_000; i++)
        {
            policy.Pick(hosts, default)!.Counters.OnPicked();
        }
        AssertShares(hosts.ToDictionary(h => h.Id, h => h.Counters.InFlight), 0.02);
    }

    [Fact]
    public void Hash_gives_each_host_its_weight_share_of_keys_within_two_percent()
    {
        var hosts = Hosts(Weights);
        var policy = new MaglevHashPolicy();
        var counts = Count(() => Pick(policy, hosts, Guid.NewGuid().ToString()), 20_000);
        AssertShares(counts, 0.02);
        // The table itself: slots per host within 1 % of the weight share.
        var table = policy.TableFor(hosts);
        var slots = table.SlotCounts();
        for (var i = 0; i < table.Hosts.Length; i++)
        {
            var expected = table.Hosts[i].Weight / 10.0;
            Assert.InRange(slots[i] / (double)table.Size, expected - 0.01, expected + 0.01);
        }
    }

    private static UpstreamHost? Pick(IBalancingPolicy policy, ImmutableArray<UpstreamHost> hosts, string key) => policy.Pick(hosts, TestPolicies.Key(key));
}
