namespace ClusterLb.Backend;

/// <summary>What a backend announces to ClusterLb, and how it drains.</summary>
public sealed record ClusterLbBackendOptions
{
    /// <summary>Absolute http(s) URL the load balancer forwards to (reachable from the LB nodes).</summary>
    public required Uri Url { get; init; }

    /// <summary>Relative share of requests (1 to 1000).</summary>
    public int Weight { get; init; } = 1;

    /// <summary>
    /// On shutdown, how long to wait for ClusterLb's answer to the drain (<see cref="Wire.BackendDrainAck"/>) before
    /// going on without it.
    /// </summary>
    public TimeSpan DrainAckTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// After the drain was acknowledged, how long to keep serving before the shutdown goes on: the time the drain
    /// needs to reach every LB node (its registry write interval plus replication; 2 s covers the defaults).
    /// </summary>
    public TimeSpan DrainDelay { get; init; } = TimeSpan.FromSeconds(2);
}
