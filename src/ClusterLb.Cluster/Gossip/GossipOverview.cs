using System.Collections.Immutable;

namespace ClusterLb.Cluster;

/// <summary>Who has seen the current gossip version, and the reachability table.</summary>
public sealed record GossipOverview(ImmutableHashSet<UniqueAddress> Seen, Reachability Reachability)
{
    /// <summary>Nobody has seen anything; everyone reachable.</summary>
    public static readonly GossipOverview Empty = new(ImmutableHashSet<UniqueAddress>.Empty, Reachability.Empty);
}
