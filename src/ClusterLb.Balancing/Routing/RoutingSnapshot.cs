using System.Collections.Immutable;

namespace ClusterLb.Balancing.Routing;

/// <summary>
/// An immutable view of one service's routable hosts, published by its router actor. Request threads read it
/// without a lock; a health change produces a new snapshot instead of mutating this one.
/// </summary>
public sealed class RoutingSnapshot
{
    /// <summary>Creates a snapshot; <paramref name="pools"/> must already be in priority order.</summary>
    public RoutingSnapshot(string serviceName, long version, ImmutableArray<PoolRoute> pools)
    {
        ServiceName = serviceName;
        Version = version;
        Pools = pools;
        foreach (var pool in pools)
        {
            HealthyHosts += pool.Healthy.Length;
            TotalHosts += pool.All.Length;
            if (Active is null && pool.Healthy.Length > 0)
            {
                Active = pool;
            }
        }
        NoHostReason = $"no healthy upstream host for service '{serviceName}' ({HealthyHosts}/{TotalHosts} hosts healthy)";
    }

    /// <summary>A snapshot that routes nowhere, used until the router publishes.</summary>
    public static RoutingSnapshot Empty(string serviceName) => new(serviceName, 0, ImmutableArray<PoolRoute>.Empty);

    /// <summary>Service the snapshot belongs to.</summary>
    public string ServiceName { get; }

    /// <summary>Increases with every publication by the router.</summary>
    public long Version { get; }

    /// <summary>Pools in priority order.</summary>
    public ImmutableArray<PoolRoute> Pools { get; }

    /// <summary>The first pool, in priority order, with a routable host: the one requests go to; null when none.</summary>
    public PoolRoute? Active { get; }

    /// <summary>Healthy hosts over all pools.</summary>
    public int HealthyHosts { get; }

    /// <summary>All hosts over all pools.</summary>
    public int TotalHosts { get; }

    /// <summary>Short plain-text reason for a 503 when <see cref="Pick"/> finds nothing (precomputed).</summary>
    public string NoHostReason { get; }

    /// <summary>
    /// Picks from the first pool, in priority order, that has a healthy host; null when no pool has one. A retry
    /// whose tried hosts fill a pool moves on to the next pool.
    /// </summary>
    public UpstreamHost? Pick() => Pick(default);

    /// <summary>Picks for a request described by <paramref name="context"/>.</summary>
    public UpstreamHost? Pick(in PickContext context)
    {
        foreach (var pool in Pools)
        {
            var host = pool.Pick(context);
            if (host is not null && (!context.WasTried(host) || IsLastPool(pool)))
            {
                return host;
            }
        }
        return null;
    }

    private bool IsLastPool(PoolRoute pool) => ReferenceEquals(pool, Pools[^1]);
}
