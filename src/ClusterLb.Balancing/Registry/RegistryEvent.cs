namespace ClusterLb.Balancing.Registry;

/// <summary>
/// Something that happened to the registry or a host, published on the actor system's event stream by the
/// balancing actors and relayed cluster-wide (DistributedPubSub topic <see cref="Topic"/>) and to <c>GET /events</c>.
/// </summary>
/// <param name="Kind"><c>host_up</c>, <c>host_down</c> (this node's health verdict changed) or <c>registry_changed</c>.</param>
/// <param name="Node">The node where it happened.</param>
/// <param name="Service">Service, when one is concerned.</param>
/// <param name="Pool">Pool, when one is concerned.</param>
/// <param name="Host">Host, when one is concerned.</param>
/// <param name="Detail">Human-readable reason or change (<c>3 consecutive failures</c>, <c>weight 1 -> 5</c>).</param>
/// <param name="At">When (UTC).</param>
public sealed record RegistryEvent(string Kind, string Node, string? Service, string? Pool, string? Host, string Detail, DateTimeOffset At)
{
    /// <summary>The DistributedPubSub topic the events travel on.</summary>
    public const string Topic = "clusterlb-registry-events";

    /// <summary>A host became healthy on <see cref="Node"/>.</summary>
    public const string HostUp = "host_up";

    /// <summary>A host became unhealthy on <see cref="Node"/>.</summary>
    public const string HostDown = "host_down";

    /// <summary>A pool or host was created, changed or removed.</summary>
    public const string RegistryChanged = "registry_changed";
}
