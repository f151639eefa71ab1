using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Routing;

/// <summary>
/// A host as the request path sees it: immutable identity and address plus the shared <see cref="Counters"/>
/// and the sink its outcomes go to. One instance lives as long as its router, across routing snapshots.
/// </summary>
public sealed class UpstreamHost
{
    /// <summary>Creates a host entry.</summary>
    public UpstreamHost(string serviceName, string poolId, HostSettings settings, PassiveHealthSettings passive, IHostOutcomeSink outcomes)
        : this(serviceName, poolId, settings, passive, outcomes, new HostCounters())
    {
    }

    /// <summary>
    /// Creates a host entry sharing <paramref name="counters"/> with an earlier entry of the same host (a weight
    /// change replaces the entry; requests in flight on the old one keep counting on the same counters).
    /// </summary>
    public UpstreamHost(string serviceName, string poolId, HostSettings settings, PassiveHealthSettings passive, IHostOutcomeSink outcomes, HostCounters counters)
    {
        Counters = counters;
        ServiceName = serviceName;
        PoolId = poolId;
        Id = settings.Id;
        Address = settings.Address;
        Weight = settings.Weight;
        Passive = passive;
        Outcomes = outcomes;
        // YARP wants a destination prefix without a trailing slash; computing it once keeps it off the request path.
        DestinationPrefix = settings.Address.GetLeftPart(UriPartial.Path).TrimEnd('/');
        // Pool and host id, not the address: every node derives the same id, and a cookie leaks no address.
        AffinityId = StableHash.Of($"{poolId}/{settings.Id}");
        AffinityToken = AffinityId.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Name of the service the host belongs to.</summary>
    public string ServiceName { get; }

    /// <summary>Id of the pool the host belongs to.</summary>
    public string PoolId { get; }

    /// <summary>Host id, unique within the pool.</summary>
    public string Id { get; }

    /// <summary>Configured address.</summary>
    public Uri Address { get; }

    /// <summary>Address as a forwarding prefix (scheme, authority, optional base path; no trailing slash).</summary>
    public string DestinationPrefix { get; }

    /// <summary>
    /// Opaque, stable id of this pool's host, the same on every node (a hash of pool and host id); sticky cookies
    /// carry it as <see cref="AffinityToken"/>, and consistent hashing places the host by it.
    /// </summary>
    public ulong AffinityId { get; }

    /// <summary><see cref="AffinityId"/> as 16 lowercase hex digits, the sticky cookie's value.</summary>
    public string AffinityToken { get; }

    /// <summary>Relative weight (during slow start, the ramped weight the router published).</summary>
    public int Weight { get; }

    /// <summary>How proxied traffic may mark this host down.</summary>
    public PassiveHealthSettings Passive { get; }

    /// <summary>Atomic counters shared with the actors and the status endpoint.</summary>
    public HostCounters Counters { get; }

    /// <summary>Where outcomes of requests to this host are reported.</summary>
    public IHostOutcomeSink Outcomes { get; }

    /// <inheritdoc />
    public override string ToString() => $"{ServiceName}/{PoolId}/{Id} ({Address})";
}
