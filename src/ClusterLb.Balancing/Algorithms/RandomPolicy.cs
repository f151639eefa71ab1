using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;

namespace ClusterLb.Balancing.Algorithms;

/// <summary>A uniformly random candidate; weights are ignored.</summary>
/// <param name="nextInt">Returns a value in [0, maxExclusive); injected so tests are deterministic.</param>
public sealed class RandomPolicy(Func<int, int> nextInt) : IBalancingPolicy
{
    /// <summary>Uses <see cref="Random.Shared"/>.</summary>
    public RandomPolicy() : this(Random.Shared.Next) { }

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
        return candidates[nextInt(count)];
    }
}
