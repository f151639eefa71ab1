using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Algorithms;

/// <summary>Chooses the policy a pool runs.</summary>
public static class BalancingPolicies
{
    /// <summary>
    /// A fresh policy for <paramref name="pool"/>'s method and options. <c>round-robin</c> is always the smooth
    /// weighted policy (it rotates plainly while weights are equal), because slow start changes the published
    /// weights at run time even in a pool whose configured weights are equal.
    /// </summary>
    public static IBalancingPolicy For(PoolSettings pool) => pool.Method switch
    {
        BalancingMethod.RoundRobin => new SmoothWeightedRoundRobinPolicy(),
        BalancingMethod.Random => new RandomPolicy(),
        BalancingMethod.LeastRequest => new LeastRequestPolicy(pool.Options.LoadScope),
        BalancingMethod.PowerOfTwoChoices => new PowerOfTwoChoicesPolicy(),
        BalancingMethod.PeakEwma => new PeakEwmaPolicy(),
        BalancingMethod.IpHash or BalancingMethod.Hash => new MaglevHashPolicy(pool.Options.HashBalanceFactor),
        _ => throw new ArgumentOutOfRangeException(nameof(pool), pool.Method, "Unknown balancing method."),
    };
}
