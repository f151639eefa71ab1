using System.Collections.Immutable;

namespace ClusterLb.Balancing.Settings;

/// <summary>A group of interchangeable hosts. A service uses its pools in priority order (lowest number first).</summary>
/// <param name="Id">Unique within its service.</param>
/// <param name="Method">How requests are spread over the pool's healthy hosts.</param>
/// <param name="Priority">Lower is preferred; the next pool is used only when this one has no healthy host.</param>
/// <param name="Hosts">The pool's hosts, in configuration order.</param>
/// <param name="HealthCheck">Active checks for every host of the pool.</param>
/// <param name="Passive">Passive marking from proxied traffic.</param>
public sealed record PoolSettings(
    string Id,
    BalancingMethod Method,
    int Priority,
    ImmutableArray<HostSettings> Hosts,
    HealthCheckSettings HealthCheck,
    PassiveHealthSettings Passive)
{
    /// <summary>The method's options, affinity, slow start and panic threshold.</summary>
    public BalancingOptions Options { get; init; } = BalancingOptions.Default;

    /// <summary>Where hosts beside the static ones come from (<c>discovery { type = dns, ... }</c>); null for none.</summary>
    public Discovery.DiscoverySettings? Discovery { get; init; }

    /// <summary>
    /// How the proxy connects to the hosts (<c>http-version</c>, <c>tls { }</c>, <c>keepalive { }</c>): configured pools only;
    /// pools created through the admin API get <see cref="UpstreamConnectionSettings.Default"/>.
    /// </summary>
    public UpstreamConnectionSettings Connection { get; init; } = UpstreamConnectionSettings.Default;

    /// <summary>True when at least two hosts have different weights.</summary>
    public bool HasUnequalWeights => Hosts.Length > 1 && Hosts.Any(h => h.Weight != Hosts[0].Weight);
}
