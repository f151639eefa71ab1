using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;

namespace ClusterLb.Balancing.Algorithms;

/// <summary>
/// nginx's smooth weighted round robin: deterministic, each host gets exactly its weight's share in every cycle
/// of <c>sum(weights)</c> picks, and heavy hosts are interleaved rather than picked in bursts (5:3:2 gives
/// a,b,a,c,a,b,a,c,b,a... not a,a,a,a,a,b,b,b,c,c).
/// </summary>
/// <remarks>
/// nginx updates every host's running weight under its worker's single thread. Request threads here run in
/// parallel, so the cycle is computed once per candidate set and walked with one atomic increment: the same
/// order, without a lock.
/// </remarks>
public sealed class SmoothWeightedRoundRobinPolicy : IBalancingPolicy
{
    private long _next = -1;
    private Schedule? _schedule;

    /// <inheritdoc />
    public UpstreamHost? Pick(ImmutableArray<UpstreamHost> candidates, in PickContext context)
    {
        var count = candidates.Length;
        if (count == 0)
        {
            return null;
        }
        if (count == 1)
        {
            return candidates[0];
        }

        var schedule = Volatile.Read(ref _schedule);
        if (schedule is null || schedule.Candidates != candidates)
        {
            // Only after the router publishes a new healthy set; concurrent builders produce equal schedules.
            schedule = new Schedule(candidates);
            Volatile.Write(ref _schedule, schedule);
        }

        var turn = (ulong)Interlocked.Increment(ref _next);
        return candidates[schedule.Order[(int)(turn % (ulong)schedule.Order.Length)]];
    }

    /// <summary>The order of one full cycle for the given weights, as indexes into them.</summary>
    public static int[] BuildCycle(ReadOnlySpan<int> weights)
    {
        var divisor = 0;
        foreach (var w in weights)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(w, 1, nameof(weights));
            divisor = Gcd(divisor, w);
        }

        // The sequence is scale-invariant, so 10:6:4 and 5:3:2 cycle identically; dividing keeps the array short.
        var total = 0;
        var reduced = new int[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            reduced[i] = weights[i] / divisor;
            total += reduced[i];
        }

        var current = new int[weights.Length];
        var order = new int[total];
        for (var pick = 0; pick < total; pick++)
        {
            var best = 0;
            for (var i = 0; i < reduced.Length; i++)
            {
                current[i] += reduced[i];
                if (current[i] > current[best])
                {
                    best = i;
                }
            }
            current[best] -= total;
            order[pick] = best;
        }
        return order;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }

    private sealed class Schedule
    {
        public Schedule(ImmutableArray<UpstreamHost> candidates)
        {
            Candidates = candidates;
            Span<int> weights = candidates.Length <= 256 ? stackalloc int[candidates.Length] : new int[candidates.Length];
            for (var i = 0; i < candidates.Length; i++)
            {
                weights[i] = candidates[i].Weight;
            }
            Order = BuildCycle(weights);
        }

        public ImmutableArray<UpstreamHost> Candidates { get; }

        public int[] Order { get; }
    }
}
