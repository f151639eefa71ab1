using System.Collections.Immutable;
using ClusterLb.Balancing.Discovery;

namespace ClusterLb.Runtime.Discovery;

/// <summary>What one list of a Service's EndpointSlices gave.</summary>
/// <param name="Succeeded">The API answered the list; false when it failed, timed out or could not be asked.</param>
/// <param name="Hosts">The hosts found (empty when the list failed, or the Service has no usable endpoints).</param>
/// <param name="Note">Why some or all slices gave no hosts (no slices, no such port); empty when none is worth saying.</param>
/// <param name="Error">Why the list failed; empty when it succeeded.</param>
public sealed record KubernetesListing(bool Succeeded, ImmutableArray<DiscoveredHost> Hosts, string Note, string Error)
{
    /// <summary>A failed list: the last hosts are kept.</summary>
    public static KubernetesListing Failed(string error) => new(false, [], "", error);
}
