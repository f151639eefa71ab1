using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Registry;
using ClusterLb.Runtime.Registry;

namespace ClusterLb.Runtime.Balancing;

/// <summary>Timer tick: start an active probe unless one is still running.</summary>
public sealed record RunProbe
{
    /// <summary>The shared instance.</summary>
    public static readonly RunProbe Instance = new();
}

/// <summary>From the request path: a forwarded request failed in a way that counts against the host.</summary>
/// <param name="StatusCode">Upstream status, 0 when no response arrived.</param>
/// <param name="ConnectFailed">The proxy could not connect.</param>
public sealed record PassiveFailure(int StatusCode, bool ConnectFailed);

/// <summary>From the request path: a request succeeded after a passive failure.</summary>
public sealed record PassiveRecovery
{
    /// <summary>The shared instance.</summary>
    public static readonly PassiveRecovery Instance = new();
}

/// <summary>Timer: a passively failed host (with active checks off) may be tried again.</summary>
public sealed record PassiveDownExpired
{
    /// <summary>The shared instance.</summary>
    public static readonly PassiveDownExpired Instance = new();
}

/// <summary>Ask a health checker for its <see cref="HostHealthReport"/>.</summary>
public sealed record GetHostHealth
{
    /// <summary>The shared instance.</summary>
    public static readonly GetHostHealth Instance = new();
}

/// <summary>A health checker's view of its host.</summary>
/// <param name="PoolId">Pool id.</param>
/// <param name="HostId">Host id.</param>
/// <param name="Health">Current state.</param>
/// <param name="LastProbe">Last completed active probe, null before the first.</param>
/// <param name="ConsecutiveFailures">Failed probes in a row.</param>
public sealed record HostHealthReport(string PoolId, string HostId, HostHealth Health, ProbeResult? LastProbe, int ConsecutiveFailures);

/// <summary>
/// A host's state changed (also sent once when a checker starts). Told to the router and published on the
/// event stream, so other layers (the registry, the dashboard) can follow health without polling.
/// </summary>
/// <param name="ServiceName">Service name.</param>
/// <param name="PoolId">Pool id.</param>
/// <param name="HostId">Host id.</param>
/// <param name="Health">New state.</param>
/// <param name="Reason">Why, for logs.</param>
public sealed record HostHealthChanged(string ServiceName, string PoolId, string HostId, HostHealth Health, string Reason);
