namespace ClusterLb.Balancing.Settings;

/// <summary>How a pool spreads requests over its healthy hosts.</summary>
public enum BalancingMethod
{
    /// <summary>Round robin; smooth weighted round robin (nginx's) when the pool's weights differ.</summary>
    RoundRobin,

    /// <summary>Uniformly random, ignoring weights. Mostly useful as a baseline.</summary>
    Random,
}

/// <summary>Configuration names of <see cref="BalancingMethod"/>.</summary>
public static class BalancingMethodNames
{
    /// <summary>Parses <c>round-robin</c> or <c>random</c>.</summary>
    /// <exception cref="FormatException">Unknown method name.</exception>
    public static BalancingMethod Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "round-robin" or "roundrobin" or "rr" => BalancingMethod.RoundRobin,
        "random" => BalancingMethod.Random,
        _ => throw new FormatException($"Unknown balancing method '{name}'; expected 'round-robin' or 'random'."),
    };

    /// <summary>The configuration name of <paramref name="method"/>.</summary>
    public static string ToConfigName(this BalancingMethod method) => method switch
    {
        BalancingMethod.RoundRobin => "round-robin",
        BalancingMethod.Random => "random",
        _ => method.ToString(),
    };
}
