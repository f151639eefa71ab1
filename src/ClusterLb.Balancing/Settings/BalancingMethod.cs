namespace ClusterLb.Balancing.Settings;

/// <summary>How a pool spreads requests over its healthy hosts.</summary>
public enum BalancingMethod
{
    /// <summary>nginx's smooth weighted round robin (plain rotation when the weights are equal).</summary>
    RoundRobin,

    /// <summary>Weighted random.</summary>
    Random,

    /// <summary>Fewest requests in flight relative to weight (Envoy's least request, nginx's least_conn).</summary>
    LeastRequest,

    /// <summary>Power of two choices: the less loaded of two random hosts (YARP's PowerOfTwoChoices).</summary>
    PowerOfTwoChoices,

    /// <summary>Lowest peak-EWMA latency × (in flight + 1), over two random hosts (Finagle/Linkerd).</summary>
    PeakEwma,

    /// <summary>Consistent hash of the real client IP.</summary>
    IpHash,

    /// <summary>Consistent hash of a request key (<see cref="HashKey"/>): the same key reaches the same host on every node.</summary>
    Hash,
}

/// <summary>Configuration names of <see cref="BalancingMethod"/>.</summary>
public static class BalancingMethodNames
{
    /// <summary>Every accepted name, for error messages and documentation.</summary>
    public const string Expected = "'round-robin', 'random', 'least-request', 'p2c', 'peak-ewma', 'ip-hash' or 'hash'";

    /// <summary>Parses a method name (<see cref="Expected"/>).</summary>
    /// <exception cref="FormatException">Unknown method name.</exception>
    public static BalancingMethod Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "round-robin" or "roundrobin" or "rr" => BalancingMethod.RoundRobin,
        "random" => BalancingMethod.Random,
        "least-request" or "least-conn" => BalancingMethod.LeastRequest,
        "p2c" or "power-of-two-choices" => BalancingMethod.PowerOfTwoChoices,
        "peak-ewma" => BalancingMethod.PeakEwma,
        "ip-hash" => BalancingMethod.IpHash,
        "hash" => BalancingMethod.Hash,
        _ => throw new FormatException($"Unknown balancing method '{name}'; expected {Expected}."),
    };

    /// <summary>The configuration name of <paramref name="method"/>.</summary>
    public static string ToConfigName(this BalancingMethod method) => method switch
    {
        BalancingMethod.RoundRobin => "round-robin",
        BalancingMethod.Random => "random",
        BalancingMethod.LeastRequest => "least-request",
        BalancingMethod.PowerOfTwoChoices => "p2c",
        BalancingMethod.PeakEwma => "peak-ewma",
        BalancingMethod.IpHash => "ip-hash",
        BalancingMethod.Hash => "hash",
        _ => method.ToString(),
    };

    /// <summary>True for the methods that route by a request key (<c>hash</c>, <c>ip-hash</c>).</summary>
    public static bool IsHash(this BalancingMethod method) => method is BalancingMethod.Hash or BalancingMethod.IpHash;

    /// <summary>True for the methods whose share follows host weights and therefore ramp under slow start.</summary>
    public static bool HonoursSlowStart(this BalancingMethod method) =>
        method is BalancingMethod.RoundRobin or BalancingMethod.Random or BalancingMethod.LeastRequest or BalancingMethod.PowerOfTwoChoices;
}
