using System.Collections.Immutable;

namespace ClusterLb.Balancing.Settings;

/// <summary>Which requests a service takes.</summary>
/// <param name="Hosts">Host names (<c>api.example.com</c>, <c>*.example.com</c>); empty matches every host.</param>
/// <param name="PathPrefix">Path prefix, <c>/</c> for everything. Matched on segment boundaries.</param>
public sealed record ServiceMatch(ImmutableArray<string> Hosts, string PathPrefix)
{
    /// <summary>Matches every request.</summary>
    public static ServiceMatch Any { get; } = new(ImmutableArray<string>.Empty, "/");
}

/// <summary>A routed service: a match plus pools in priority order.</summary>
/// <param name="Name">Unique service name; names the router actor, status entries and metrics.</param>
/// <param name="Match">Which requests the service takes.</param>
/// <param name="Pools">The service's pools, sorted by priority (ties keep configuration order).</param>
public sealed record ServiceSettings(string Name, ServiceMatch Match, ImmutableArray<PoolSettings> Pools)
{
    /// <summary>
    /// Active checks of pools created at runtime (through the registry): the service's <c>health-check</c> block
    /// over <c>clusterlb.health-check</c>. Configured pools keep their own.
    /// </summary>
    public HealthCheckSettings RuntimeHealthCheck { get; init; } = HealthCheckSettings.Default;

    /// <summary>Passive checks of pools created at runtime, layered like <see cref="RuntimeHealthCheck"/>.</summary>
    public PassiveHealthSettings RuntimePassive { get; init; } = PassiveHealthSettings.Default;

    /// <summary>Retries on another host (<c>retries</c> over <c>clusterlb.retries</c>).</summary>
    public RetrySettings Retries { get; init; } = RetrySettings.Default;

    /// <summary>What the service's clients speak: HTTP (matched by host and path) or TCP/UDP on its own listener.</summary>
    public ServiceProtocol Protocol { get; init; } = ServiceProtocol.Http;

    /// <summary>The listener and limits of a TCP or UDP service; null for HTTP services.</summary>
    public StreamListenerSettings? Stream { get; init; }

    /// <summary>Every host of every pool.</summary>
    public int HostCount => Pools.Sum(p => p.Hosts.Length);
}
