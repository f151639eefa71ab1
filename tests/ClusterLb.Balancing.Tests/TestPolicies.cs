using System.Collections.Immutable;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Tests;

/// <summary>Every method's policy, deterministic (seeded randomness, a manual clock), for the shared tests.</summary>
internal static class TestPolicies
{
    public static readonly BalancingMethod[] Methods = Enum.GetValues<BalancingMethod>();

    public static TheoryData<BalancingMethod> AllMethods() => new(Methods);

    public static IBalancingPolicy Deterministic(BalancingMethod method, int seed = 1, ManualClock? clock = null)
    {
        var random = new Random(seed);
        return method switch
        {
            BalancingMethod.RoundRobin => new SmoothWeightedRoundRobinPolicy(),
            BalancingMethod.Random => new RandomPolicy(random.Next),
            BalancingMethod.LeastRequest => new LeastRequestPolicy(),
            BalancingMethod.PowerOfTwoChoices => new PowerOfTwoChoicesPolicy(random.Next),
            BalancingMethod.PeakEwma => new PeakEwmaPolicy(random.Next, (clock ?? new ManualClock()).Now),
            BalancingMethod.IpHash or BalancingMethod.Hash => new MaglevHashPolicy(),
            _ => throw new ArgumentOutOfRangeException(nameof(method)),
        };
    }

    /// <summary>The pool settings <see cref="BalancingPolicies.For"/> takes.</summary>
    public static PoolSettings Pool(BalancingMethod method, BalancingOptions? options = null, params int[] weights) =>
        new("p", method, 0,
            weights.Select((w, i) => new HostSettings($"h{i}", new Uri("http://127.0.0.1:1"), w)).ToImmutableArray(),
            HealthCheckSettings.Default, PassiveHealthSettings.Default)
        { Options = options ?? BalancingOptions.Default };

    /// <summary>A key's context as the proxy builds it.</summary>
    public static PickContext Key(string key, ReadOnlySpan<UpstreamHost?> tried = default) => new(StableHash.Of(key), true, tried);
}

/// <summary>A peak-EWMA clock (milliseconds) that moves only when told.</summary>
internal sealed class ManualClock
{
    private long _now = 1_000_000;

    public long Now() => _now;

    public void Advance(TimeSpan by) => _now += (long)by.TotalMilliseconds;
}
