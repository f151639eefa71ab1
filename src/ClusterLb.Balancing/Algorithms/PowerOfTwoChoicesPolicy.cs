using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;

namespace ClusterLb.Balancing.Algorithms;

/// <summary>
/// The <c>p2c</c> method, as YARP's PowerOfTwoChoices: two distinct random candidates, and the one with fewer
/// requests in flight wins. Unlike YARP's it is weighted: the loads compared are (in flight + 1) / weight
/// (cross-multiplied), ties to the first draw. On a retry a tried draw loses to an untried one; when both draws
/// were tried, the least loaded untried host is taken (<see cref="LeastRequestPolicy"/>'s scan).
/// </summary>
/// <param name="nextInt">Returns a value in [0, maxExclusive); injected so tests are deterministic. Must be thread-safe.</param>
public sealed class PowerOfTwoChoicesPolicy(Func<int, int> nextInt) : IBalancingPolicy
{
    private readonly LeastRequestPolicy _fallback = new();

    /// <summary>Uses <see cref="Random.Shared"/>.</summary>
    public PowerOfTwoChoicesPolicy() : this(Random.Shared.Next) { }

    /// <inheritdoc />
    public UpstreamHost? Pick(ImmutableArray<UpstreamHost> candidates, in PickContext context)
    {
        var count = candidates.Length;
        if (count < 2)
        {
            return count == 0 ? null : candidates[0];
        }

        var (firstIndex, secondIndex) = TwoChoices.Draw(nextInt, count);
        var first = candidates[firstIndex];
        var second = candidates[secondIndex];

        var firstTried = context.WasTried(first);
        var secondTried = context.WasTried(second);
        if (firstTried || secondTried)
        {
            return firstTried && secondTried ? _fallback.Pick(candidates, context) : firstTried ? second : first;
        }

        long firstLoad = first.Counters.InFlight + 1, secondLoad = second.Counters.InFlight + 1;
        return secondLoad * Math.Max(first.Weight, 1) < firstLoad * Math.Max(second.Weight, 1) ? second : first;
    }
}
