using ClusterLb.Balancing.Algorithms;
using static ClusterLb.Balancing.Tests.TestHosts;

namespace ClusterLb.Balancing.Tests;

/// <summary>least-request and p2c follow the in-flight counts (set by picks without completes).</summary>
public class LoadAwareTests
{
    [Fact]
    public void Least_request_takes_the_host_with_fewest_in_flight()
    {
        var hosts = Hosts(1, 1, 1);
        Hold(hosts[0], 3);
        Hold(hosts[2], 2);
        var policy = new LeastRequestPolicy();
        for (var i = 0; i < 10; i++)
        {
            Assert.Same(hosts[1], policy.Pick(hosts, default));
        }
    }

    [Fact]
    public void Least_request_compares_in_flight_relative_to_weight()
    {
        // a: (4+1)/10 = 0.5 beats b: (0+1)/1 = 1.
        var hosts = Hosts(10, 1);
        Hold(hosts[0], 4);
        Assert.Same(hosts[0], new LeastRequestPolicy().Pick(hosts, default));
        // a: (9+1)/10 = 1 ties b, (10+1)/10 > 1 loses.
        Hold(hosts[0], 6);
        Assert.Same(hosts[1], new LeastRequestPolicy().Pick(hosts, default));
    }

    [Fact]
    public void Least_request_spreads_ties_by_a_rotating_start()
    {
        var hosts = Hosts(1, 1, 1);
        var policy = new LeastRequestPolicy();
        var counts = Count(() => policy.Pick(hosts, default), 300);
        Assert.Equal([100, 100, 100], counts.Values);
    }

    [Fact]
    public void P2c_never_picks_the_busiest_of_three()
    {
        // Every pair holds a host less busy than a, so a never wins.
        var hosts = Hosts(1, 1, 1);
        Hold(hosts[0], 5);
        Hold(hosts[1], 1);
        var policy = new PowerOfTwoChoicesPolicy(new Random(11).Next);
        var counts = Count(() => policy.Pick(hosts, default), 3000);
        Assert.False(counts.ContainsKey("a"));
        // b wins only against a (pairs a-b: a third of draws); c wins the rest.
        Assert.InRange(counts["b"], 850, 1150);
    }

    [Fact]
    public void P2c_draws_two_distinct_candidates()
    {
        var hosts = Hosts(1, 1);
        Hold(hosts[1], 1);
        var draws = new Queue<int>([1, 0]);
        var asked = new List<int>();
        var policy = new PowerOfTwoChoicesPolicy(max => { asked.Add(max); return draws.Dequeue(); });
        // First draw b (index 1); second draw 0 of the remaining one, a: a is idle and wins.
        Assert.Same(hosts[0], policy.Pick(hosts, default));
        Assert.Equal([2, 1], asked);
    }

    [Fact]
    public void P2c_weighs_in_flight_by_weight()
    {
        // a: (2+1)/4 < b: (0+1)/1.
        var hosts = Hosts(4, 1);
        Hold(hosts[0], 2);
        Assert.Same(hosts[0], new PowerOfTwoChoicesPolicy(new Random(1).Next).Pick(hosts, default));
    }
}
