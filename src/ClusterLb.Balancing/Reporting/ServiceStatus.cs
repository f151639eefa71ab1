using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Reporting;

/// <summary>One host as the status endpoint shows it.</summary>
/// <param name="Id">Host id.</param>
/// <param name="Address">Configured address.</param>
/// <param name="Weight">Configured weight.</param>
/// <param name="Health"><c>up</c> or <c>down</c>.</param>
/// <param name="Checked">Whether at least one active probe has completed.</param>
/// <param name="LastCheckLatencyMs">Latency of the last active probe, null before the first.</param>
/// <param name="LastCheckError">Why the last probe failed, null when it passed.</param>
/// <param name="ConsecutiveFailures">Failed probes in a row.</param>
/// <param name="InFlight">Requests forwarded and not yet completed.</param>
/// <param name="Picks">Times the balancer chose this host.</param>
/// <param name="LatencyEwmaMs">Smoothed duration of proxied exchanges with this host, null before the first.</param>
public sealed record HostStatus(
    string Id,
    string Address,
    int Weight,
    string Health,
    bool Checked,
    double? LastCheckLatencyMs,
    string? LastCheckError,
    int ConsecutiveFailures,
    int InFlight,
    long Picks,
    double? LatencyEwmaMs)
{
    /// <summary>
    /// The operator's state from the replicated registry (<c>up</c>, <c>down</c> or <c>drain</c>), alike on every node;
    /// <see cref="Health"/> is this node's own verdict.
    /// </summary>
    public string State { get; init; } = "up";

    /// <summary><c>static</c>, or the discovery type that found the host (<c>dns</c>).</summary>
    public string Source { get; init; } = Registry.HostSources.Static;

    /// <summary>The share of its weight a slow-starting host gets now, in percent; absent when it is not ramping.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? SlowStartPercent { get; init; }

    /// <summary>
    /// Requests in flight to this host from every LB node: this node's live count plus the others' latest reports
    /// (<c>clusterlb.cluster-load</c>); absent when cluster load sharing is off or has not run yet.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? ClusterInFlight { get; init; }

    /// <summary>Requests per second to this host summed over every reporting LB node; absent like <see cref="ClusterInFlight"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public double? ClusterRequestsPerSecond { get; init; }

    /// <summary>LB nodes, this one included, whose fresh reports the cluster totals sum; absent like <see cref="ClusterInFlight"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public int? ClusterNodes { get; init; }
}

/// <summary>One pool of a service.</summary>
/// <param name="Id">Pool id.</param>
/// <param name="Priority">Lower is preferred.</param>
/// <param name="Method">Configured method name; <c>(weighted)</c> is appended when weights differ.</param>
/// <param name="Detail">Summary such as <c>2/3 hosts healthy</c>.</param>
/// <param name="Hosts">The pool's hosts in configuration order.</param>
public sealed record PoolStatus(string Id, int Priority, string Method, string Detail, IReadOnlyList<HostStatus> Hosts)
{
    /// <summary>The method's options, affinity, slow start and panic threshold (only those set).</summary>
    public PoolOptionsStatus Options { get; init; } = PoolOptionsStatus.From(BalancingOptions.Default);

    /// <summary>
    /// True while fewer than the panic threshold of the pool's hosts are healthy, so it balances over all of them
    /// that the operator has not taken out (Envoy's panic mode).
    /// </summary>
    public bool Panic { get; init; }
}

/// <summary>One service, as its router actor reports it.</summary>
/// <param name="Name">Service name.</param>
/// <param name="Status"><c>healthy</c> (every host up), <c>degraded</c> (some) or <c>unhealthy</c> (none).</param>
/// <param name="Detail">Summary such as <c>2/3 hosts healthy</c>.</param>
/// <param name="ActivePool">Pool currently receiving traffic, null when none can.</param>
/// <param name="Pools">Pools in priority order.</param>
public sealed record ServiceStatus(string Name, string Status, string Detail, string? ActivePool, IReadOnlyList<PoolStatus> Pools)
{
    /// <summary><c>http</c>, <c>tcp</c> or <c>udp</c>.</summary>
    public string Protocol { get; init; } = "http";

    /// <summary>A tcp or udp service's own listener (<c>0.0.0.0:5432</c>); absent for HTTP services.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? Listen { get; init; }
}
