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

    /// <summary>Relative weight.</summary>
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
