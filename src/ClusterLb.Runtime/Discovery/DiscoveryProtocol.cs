using System.Collections.Immutable;
using ClusterLb.Balancing.Discovery;

namespace ClusterLb.Runtime.Discovery;

/// <summary>A source actor's latest answer to its pool's writer: every host the source reports now.</summary>
/// <param name="Hosts">The hosts; empty when the source says there are none.</param>
public sealed record HostsDiscovered(ImmutableArray<DiscoveredHost> Hosts);
