using System.Collections.Immutable;

namespace ClusterLb.Balancing.Registry;

/// <summary>A host as the admin API shows it: the replicated spec plus this node's health verdict.</summary>
/// <param name="Spec">The replicated spec.</param>
/// <param name="Health"><c>up</c>, <c>down</c> or <c>unknown</c> as this node's checks see it.</param>
/// <param name="InFlight">Requests in flight to the host from this node.</param>
public sealed record HostView(HostSpec Spec, string Health, long InFlight);

/// <summary>A pool as the admin API shows it.</summary>
/// <param name="Id">Pool id.</param>
/// <param name="Service">The service it serves.</param>
/// <param name="Method">Method name (<c>round-robin</c>, <c>hash</c>, ...).</param>
/// <param name="Priority">Priority (lower first).</param>
/// <param name="Hosts">Hosts ordered by id.</param>
public sealed record PoolView(string Id, string Service, string Method, int Priority, ImmutableArray<HostView> Hosts)
{
    /// <summary>The method's options, affinity, slow start and panic threshold.</summary>
    public Settings.BalancingOptions Options { get; init; } = Settings.BalancingOptions.Default;
}

/// <summary>A service as the admin API shows it: its match (from HOCON) and its pools in priority order.</summary>
public sealed record ServiceView(string Name, ImmutableArray<string> Hosts, string PathPrefix, ImmutableArray<string> Pools);

/// <summary>One node's progress through the registry's changes.</summary>
/// <param name="Node">Node (cluster address, or the node name off-cluster).</param>
/// <param name="Version">How many registry changes that node has applied.</param>
/// <param name="Lag">Changes that node has not applied yet (<c>registry version - Version</c>).</param>
public sealed record NodeRegistryVersion(string Node, long Version, long Lag);

/// <summary>The registry's version as this node sees it, and every known node's lag behind it.</summary>
/// <param name="Version">Changes made to the registry so far, cluster-wide (a replicated counter).</param>
/// <param name="Nodes">Per node, ordered by node.</param>
public sealed record RegistryStatus(long Version, ImmutableArray<NodeRegistryVersion> Nodes);
