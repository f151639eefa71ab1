using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;

namespace ClusterLb.Balancing.Algorithms;

/// <summary>
/// The <c>random</c> method: a random candidate with probability weight / sum of weights. The prefix sums of the
/// weights are built once per candidate set; a pick is one random number and a binary search. A retry takes the
/// next untried candidate after the drawn one.
/// </summary>
/// <param name="nextInt">Returns a value in [0, maxExclusive); injected so tests are deterministic. Must be thread-safe.</param>
public sealed class RandomPolicy(Func<int, int> nextInt) : IBalancingPolicy
{
    private readonly PerCandidateSet<PrefixSums> _sums = new(static c => new PrefixSums(c));

    /// <summary>Uses <see cref="Random.Shared"/>.</summary>
    public RandomPolicy() : this(Random.Shared.Next) { }

    /// <inheritdoc />
    public UpstreamHost? Pick(ImmutableArray<UpstreamHost> candidates, in PickContext context)
    {
        var count = candidates.Length;
        if (count < 2)
        {
            return count == 0 ? null : candidates[0];
        }

        var sums = _sums.For(candidates);
        var index = sums.Ends is { } ends ? IndexOf(ends, nextInt(sums.Total)) : nextInt(count);
        return Untried.From(candidates, index, context);
    }

    // The first i with ends[i] > point: host i owns the points [ends[i-1], ends[i]).
    private static int IndexOf(int[] ends, int point)
    {
        int low = 0, high = ends.Length - 1;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (ends[mid] > point)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }
        return low;
    }

    private sealed class PrefixSums
    {
        public PrefixSums(ImmutableArray<UpstreamHost> candidates)
        {
            var equal = true;
            long total = 0;
            var ends = new int[candidates.Length];
            for (var i = 0; i < candidates.Length; i++)
            {
                equal &= candidates[i].Weight == candidates[0].Weight;
                total += Math.Max(candidates[i].Weight, 1);
                ends[i] = (int)Math.Min(total, int.MaxValue);
            }
            if (total > int.MaxValue)
            {
                throw new ArgumentOutOfRangeException(nameof(candidates), total, "The sum of the weights exceeds Int32.MaxValue.");
            }
            Total = (int)total;
            Ends = equal ? null : ends;
        }

        /// <summary>Running sums of the weights, or null when they are equal (a uniform draw suffices).</summary>
        public int[]? Ends { get; }

        public int Total { get; }
    }
}
