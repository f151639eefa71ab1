using System.Collections.Immutable;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Routing;
using static ClusterLb.Balancing.Tests.TestHosts;

namespace ClusterLb.Balancing.Tests;

/// <summary>peak-EWMA with a manual clock: the estimate's peak and decay, and the policy moving traffic.</summary>
public class PeakEwmaTests
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan Slow = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void Estimate_jumps_to_a_slower_sample_and_decays_toward_faster_ones_with_tau()
    {
        var clock = new ManualClock();
        var counters = Host("a").Counters;
        Assert.False(counters.HasPeakEwmaSample);
        Assert.Equal(0, counters.PeakEwmaAt(clock.Now()));

        Complete(counters, Fast, clock);
        Assert.Equal(Fast.Ticks, counters.PeakEwmaAt(clock.Now()), 3);
        Complete(counters, Slow, clock);
        Assert.Equal(Slow.Ticks, counters.PeakEwmaAt(clock.Now()), 3);

        // One τ later the estimate has decayed to e^-1 of itself, and a fast sample is blended in with weight 1 - e^-1.
        clock.Advance(HostCounters.PeakEwmaDecay);
        Assert.Equal(Slow.Ticks * Math.Exp(-1), counters.PeakEwmaAt(clock.Now()), 0);
        Complete(counters, Fast, clock);
        var expected = (Slow.Ticks * Math.Exp(-2)) + (Fast.Ticks * (1 - Math.Exp(-1)));
        Assert.Equal(expected, counters.PeakEwmaAt(clock.Now()), 0);

        // Without samples the estimate decays toward zero, e^-2 after two τ; a sample above that replaces it.
        clock.Advance(HostCounters.PeakEwmaDecay * 2);
        Assert.Equal(expected * Math.Exp(-2), counters.PeakEwmaAt(clock.Now()), 0);
        Complete(counters, Fast, clock);
        Assert.Equal(Fast.Ticks, counters.PeakEwmaAt(clock.Now()), 3);

        // Steady latency keeps the estimate at that latency.
        for (var i = 0; i < 100; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            Complete(counters, Fast, clock);
        }
        Assert.Equal(Fast.Ticks, counters.PeakEwmaAt(clock.Now()), 3);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(312)]
    [InlineData(313)]
    [InlineData(10_000)]
    [InlineData(123_456)]
    public void Decay_matches_exp_of_minus_elapsed_over_tau(long elapsedMs) =>
        Assert.Equal(Math.Exp(-elapsedMs / HostCounters.PeakEwmaDecay.TotalMilliseconds), HostCounters.Decay(elapsedMs), 5e-8);

    [Fact]
    public void Cost_is_estimate_times_load_and_an_unsampled_host_costs_zero_idle_or_the_penalty_busy()
    {
        var clock = new ManualClock();
        var fresh = Host("a");
        Assert.Equal(0, PeakEwmaPolicy.Cost(fresh, clock.Now()));
        fresh.Counters.OnPicked();
        Assert.Equal(PeakEwmaPolicy.Penalty + 1, PeakEwmaPolicy.Cost(fresh, clock.Now()));

        var sampled = Host("b");
        Complete(sampled.Counters, Fast, clock);
        sampled.Counters.OnPicked();
        sampled.Counters.OnPicked();
        Assert.Equal(Fast.Ticks * 3.0, PeakEwmaPolicy.Cost(sampled, clock.Now()), 3);
    }

    [Fact]
    public void Traffic_shifts_away_from_a_slow_host_and_returns_once_it_is_fast_again()
    {
        var clock = new ManualClock();
        var hosts = Hosts(1, 1, 1);
        var policy = new PeakEwmaPolicy(new Random(5).Next, clock.Now);
        var slow = true;
        TimeSpan Latency(UpstreamHost h) => h.Id == "a" && slow ? Slow : Fast;

        // Warm-up: every host gets a sample.
        foreach (var host in hosts)
        {
            Complete(host.Counters, Latency(host), clock);
        }

        // 20 s at one request per 10 ms while a is slow: a, at 10× the others' cost, loses every pair it is in
        // until its estimate has decayed by 10× (τ·ln 10 ≈ 23 s), so it gets nothing.
        var whileSlow = Serve(policy, hosts, clock, 2000, Latency);
        Assert.Equal(0, whileSlow.GetValueOrDefault("a"));

        // a is fast again; τ·ln 10 after its last sample its decayed estimate meets the others', it is probed, its
        // fast sample replaces the estimate, and it shares load normally.
        slow = false;
        Serve(policy, hosts, clock, 3000, Latency);
        var recovered = Serve(policy, hosts, clock, 3000, Latency);
        Assert.InRange(recovered.GetValueOrDefault("a"), 800, 1200);
    }

    [Fact]
    public void Prefers_the_idle_unsampled_host_and_avoids_a_busy_unsampled_one()
    {
        var clock = new ManualClock();
        var hosts = Hosts(1, 1);
        Complete(hosts[0].Counters, Fast, clock);
        var policy = new PeakEwmaPolicy(new Random(1).Next, clock.Now);
        Assert.Same(hosts[1], policy.Pick(hosts, default));
        hosts[1].Counters.OnPicked();
        Assert.Same(hosts[0], policy.Pick(hosts, default));
    }

    [Fact]
    public void The_policy_turns_on_the_estimate_for_completions_without_a_clock()
    {
        var hosts = Hosts(1, 1);
        RouteHandle.Complete(Picked(hosts[0]), new RequestOutcome(200, Fast, false));
        Assert.False(hosts[0].Counters.HasPeakEwmaSample);

        new PeakEwmaPolicy().Pick(hosts, default);
        RouteHandle.Complete(Picked(hosts[0]), new RequestOutcome(200, Fast, false));
        Assert.True(hosts[0].Counters.HasPeakEwmaSample);
    }

    private static UpstreamHost Picked(UpstreamHost host)
    {
        host.Counters.OnPicked();
        return host;
    }

    private static void Complete(HostCounters counters, TimeSpan latency, ManualClock clock)
    {
        counters.OnPicked();
        counters.OnCompleted(latency, clock.Now());
    }

    private static Dictionary<string, int> Serve(PeakEwmaPolicy policy, ImmutableArray<UpstreamHost> hosts, ManualClock clock, int requests, Func<UpstreamHost, TimeSpan> latency)
    {
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < requests; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            var host = policy.Pick(hosts, default)!;
            counts[host.Id] = counts.GetValueOrDefault(host.Id) + 1;
            Complete(host.Counters, latency(host), clock);
        }
        return counts;
    }
}
