using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;

namespace ClusterLb.Balancing.Algorithms;

/// <summary>
/// Picks one host from a pool's healthy hosts. Runs on request threads: implementations are thread-safe,
/// take no lock and allocate nothing on the common path.
/// </summary>
public interface IBalancingPolicy
{
    /// <summary>
    /// Returns one of <paramref name="candidates"/>, or null when there are none. A host the request already tried
    /// (<see cref="PickContext.WasTried"/>) is returned only when every candidate was tried.
    /// </summary>
    UpstreamHost? Pick(ImmutableArray<UpstreamHost> candidates, in PickContext context);
}
