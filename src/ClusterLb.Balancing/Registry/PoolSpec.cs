using System.Collections.Immutable;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Registry;

/// <summary>One pool as the replicated registry holds it (one replicated key per pool).</summary>
/// <param name="Id">Unique across the whole registry: the admin API addresses pools by id alone.</param>
/// <param name="Service">The HOCON-defined service the pool serves.</param>
/// <param name="Method">How requests are spread over the pool's hosts.</param>
/// <param name="Priority">Lower is preferred; the next pool is used only when this one has no healthy host.</param>
/// <param name="Hosts">The pool's hosts, ordered by id.</param>
public sealed record PoolSpec(string Id, string Service, BalancingMethod Method, int Priority, ImmutableArray<HostSpec> Hosts)
{
    /// <summary>The method's options, affinity, slow start and panic threshold.</summary>
    public BalancingOptions Options { get; init; } = BalancingOptions.Default;
}
