using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;

namespace ClusterLb.Balancing.Algorithms;

/// <summary>
/// The <c>peak-ewma</c> method, Finagle's and Linkerd's: each host's cost is its peak-EWMA latency estimate
/// (<see cref="HostCounters.PeakEwmaAt"/>: jumps up to a slower sample at once, decays toward faster samples and,
/// without samples, toward zero, with τ = <see cref="HostCounters.PeakEwmaDecay"/>) × (in flight + 1). Of two
/// distinct random candidates (power of two choices) the cheaper wins. A host without a sample yet costs zero
/// when idle and a large penalty plus its in-flight count when busy (Finagle's rule), so new hosts are tried
/// without being flooded. Weights are not used (as in Finagle and Linkerd).
/// </summary>
/// <remarks>
/// On a retry a tried draw loses to an untried one; when both draws were tried, the cheapest untried host is
/// taken. The estimate is kept by <see cref="HostCounters"/> from the completions, lock-free (see there).
/// </remarks>
/// <param name="nextInt">Returns a value in [0, maxExclusive); injected so tests are deterministic. Must be thread-safe.</param>
/// <param name="timestamp">The clock in milliseconds (<see cref="HostCounters.PeakEwmaClock"/>); injected for tests.</param>
public sealed class PeakEwmaPolicy(Func<int, int> nextInt, Func<long> timestamp) : IBalancingPolicy
{
    /// <summary>Cost of a busy host without a latency sample: far above any real latency × load (Finagle's penalty).</summary>
    public const double Penalty = 1e15;

    // Per candidate set: the hosts' counters, which were told to keep the estimate when the array was built.
    private readonly PerCandidateSet<HostCounters[]> _counters = new(Track);

    /// <summary>Uses <see cref="Random.Shared"/> and <see cref="HostCounters.PeakEwmaClock"/>.</summary>
    public PeakEwmaPolicy() : this(Random.Shared.Next, HostCounters.PeakEwmaClock) { }

    /// <summary>The cost this policy gives <paramref name="host"/> at <paramref name="now"/>.</summary>
    public static double Cost(UpstreamHost host, long now) => Cost(host.Counters, now);

    private static double Cost(HostCounters counters, long now)
    {
        var inFlight = counters.InFlight;
        var estimate = counters.PeakEwmaAt(now);
        if (estimate == 0)
        {
            return inFlight == 0 ? 0 : Penalty + inFlight;
        }
        return estimate * (inFlight + 1);
    }

    /// <inheritdoc />
    public UpstreamHost? Pick(ImmutableArray<UpstreamHost> candidates, in PickContext context)
    {
        var count = candidates.Length;
        if (count == 0)
        {
            return null;
        }
        // Also for a single host: its completions must feed the estimate before a second host arrives.
        var counters = _counters.For(candidates);
        if (count == 1)
        {
            return candidates[0];
        }

        var (firstIndex, secondIndex) = TwoChoices.Draw(nextInt, count);
        var first = candidates[firstIndex];
        var second = candidates[secondIndex];
        var now = timestamp();

        var firstTried = context.WasTried(first);
        var secondTried = context.WasTried(second);
        if (firstTried || secondTried)
        {
            return firstTried && secondTried ? Cheapest(candidates, firstIndex, now, context) : firstTried ? second : first;
        }
        return Cost(counters[secondIndex], now) < Cost(counters[firstIndex], now) ? second : first;
    }

    // Once per candidate set: completions of these hosts now read the clock and feed the estimate.
    private static HostCounters[] Track(ImmutableArray<UpstreamHost> candidates)
    {
        var counters = new HostCounters[candidates.Length];
        for (var i = 0; i < counters.Length; i++)
        {
            counters[i] = candidates[i].Counters;
            counters[i].TrackPeakEwma();
        }
        return counters;
    }

    private static UpstreamHost Cheapest(ImmutableArray<UpstreamHost> candidates, int start, long now, in PickContext context)
    {
        UpstreamHost? best = null;
        var bestCost = 0.0;
        for (var step = 0; step < candidates.Length; step++)
        {
            var index = (start + step) % candidates.Length;
            var host = candidates[index];
            if (context.WasTried(host))
            {
                continue;
            }
            var cost = Cost(host, now);
            if (best is null || cost < bestCost)
            {
                best = host;
                bestCost = cost;
            }
        }
        return best ?? candidates[start];
    }
}
