using System.Diagnostics.Metrics;

namespace ClusterLb.Cluster.Protocol;

/// <summary>Counters of the membership protocol (meter <c>ClusterLb.Cluster</c>).</summary>
internal static class ClusterMetrics
{
    private static readonly Meter Meter = new("ClusterLb.Cluster");

    /// <summary>Full gossips received, tagged by how they compared with ours (same/older/newer/merge/ignored).</summary>
    public static readonly Counter<long> GossipReceived = Meter.CreateCounter<long>("clusterlb.cluster.gossip.received");

    /// <summary>Members this node marked Down, tagged by who decided (operator / split brain resolver).</summary>
    public static readonly Counter<long> MembersDowned = Meter.CreateCounter<long>("clusterlb.cluster.members.downed");

    /// <summary>Reachability changes this node observed, tagged by the new status.</summary>
    public static readonly Counter<long> ReachabilityChanges = Meter.CreateCounter<long>("clusterlb.cluster.reachability.changes");
}
