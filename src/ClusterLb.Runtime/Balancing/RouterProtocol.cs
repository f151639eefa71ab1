using ClusterLb.Balancing.Reporting;
using ClusterLb.Balancing.Registry;
using ClusterLb.Runtime.Registry;

namespace ClusterLb.Runtime.Balancing;

/// <summary>Ask a router for its <see cref="ServiceStatus"/>.</summary>
public sealed record GetServiceStatus
{
    /// <summary>The shared instance.</summary>
    public static readonly GetServiceStatus Instance = new();
}

/// <summary>Ask the balancer for every service's status, answered with <see cref="BalancerStatus"/>.</summary>
public sealed record GetBalancerStatus
{
    /// <summary>The shared instance.</summary>
    public static readonly GetBalancerStatus Instance = new();
}

/// <summary>Every service's status, in configuration order.</summary>
/// <param name="Services">Per-service status.</param>
public sealed record BalancerStatus(IReadOnlyList<ServiceStatus> Services);

/// <summary>The router's timer: republish while a host slow-starts.</summary>
internal sealed record SlowStartTick
{
    /// <summary>The shared instance.</summary>
    public static readonly SlowStartTick Instance = new();
}

/// <summary>The router's timer: forget client-IP affinities that have been idle past their timeout.</summary>
internal sealed record SweepClientAffinity
{
    /// <summary>The shared instance.</summary>
    public static readonly SweepClientAffinity Instance = new();
}
