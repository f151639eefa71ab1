using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;

namespace ClusterLb.Balancing.Algorithms;

/// <summary>
/// nginx's smooth weighted round robin, the <c>round-robin</c> method: deterministic, each host gets exactly its
/// weight's share in every cycle of <c>sum(weights)</c> picks, and heavy hosts are interleaved rather than picked
/// in bursts (5:3:2 gives a,b,a,c,a,b,a,c,b,a... not a,a,a,a,a,b,b,b,c,c). Equal weights rotate plainly.
/// </summary>
/// <remarks>
/// nginx updates every host's running weight under its worker's single thread. Request threads here run in
/// parallel, so the cycle is computed once per candidate set and walked with one atomic increment: the same
/// order, without a lock. Weights may change at run time (slow start publishes ramped weights), so the policy
/// always checks whether they are equal rather than relying on the configured ones. A retry takes the next
/// candidate after the scheduled one that the request has not tried.
/// </remarks>
public sealed class SmoothWeightedRoundRobinPolicy : IBalancingPolicy
{
    /// <summary>
    /// Bound on the work of building one cycle (cycle length × hosts): 2^22 steps take a few milliseconds and
    /// cover 64 hosts at the configurable maximum weight exactly. Beyond it the weights are scaled down.
    /// </summary>
    public const long MaxBuildSteps = 1L << 22;

    private readonly PerCandidateSet<int[]?> _cycles = new(CycleOf);
    private long _next = -1;

    /// <inheritdoc />
    public UpstreamHost? Pick(ImmutableArray<UpstreamHost> candidates, in PickContext context)
    {
        var count = candidates.Length;
        if (count < 2)
        {
            return count == 0 ? null : candidates[0];
        }

        var order = _cycles.For(candidates);
        var turn = (ulong)Interlocked.Increment(ref _next);
        var index = order is null ? (int)(turn % (ulong)count) : order[(int)(turn % (ulong)order.Length)];
        return Untried.From(candidates, index, context);
    }

    /// <summary>The order of one full cycle for the given weights, as indexes into them.</summary>
    /// <remarks>
    /// When cycle length × hosts would exceed <see cref="MaxBuildSteps"/> the weights are first scaled down
    /// proportionally (each to at least 1), so shares are then exact to within one scaled unit.
    /// </remarks>
    public static int[] BuildCycle(ReadOnlySpan<int> weights)
    {
        var divisor = 0;
        long sum = 0;
        foreach (var w in weights)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(w, 1, nameof(weights));
            divisor = Gcd(divisor, w);
            sum += w;
        }

        // The sequence is scale-invariant, so 10:6:4 and 5:3:2 cycle identically; dividing keeps the array short.
        var maxTotal = Math.Max(MaxBuildSteps / weights.Length, weights.Length);
        var scaled = sum / divisor > maxTotal;
        var scale = (double)maxTotal / sum;
        var total = 0;
        var reduced = new int[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            reduced[i] = scaled ? Math.Max(1, (int)(weights[i] * scale)) : weights[i] / divisor;
            total += reduced[i];
        }

        var current = new long[weights.Length];
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

    // The cycle of a candidate set, or null while all weights are equal (plain rotation).
    private static int[]? CycleOf(ImmutableArray<UpstreamHost> candidates)
    {
        var weights = new int[candidates.Length];
        var equal = true;
        for (var i = 0; i < candidates.Length; i++)
        {
            weights[i] = candidates[i].Weight;
            equal &= weights[i] == weights[0];
        }
        return equal ? null : BuildCycle(weights);
    }
}
