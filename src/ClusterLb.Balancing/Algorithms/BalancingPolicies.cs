using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Algorithms;

/// <summary>Chooses the policy a pool runs.</summary>
public static class BalancingPolicies
{
    /// <summary>
    /// A fresh policy for <paramref name="pool"/>: round robin, switched to smooth weighted round robin when the
    /// pool's configured weights differ.
    /// </summary>
    public static IBalancingPolicy For(PoolSettings pool) => pool.Method switch
    {
        BalancingMethod.RoundRobin when pool.HasUnequalWeights => new SmoothWeightedRoundRobinPolicy(),
        BalancingMethod.RoundRobin => new RoundRobinPolicy(),
        BalancingMethod.Random => new RandomPolicy(),
        _ => throw new ArgumentOutOfRangeException(nameof(pool), pool.Method, "Unknown balancing method."),
    };
}
