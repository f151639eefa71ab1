using ClusterLb.Actors;
using ClusterLb.DistributedData.Crdt;

namespace ClusterLb.DistributedData.Replication;

/// <summary>
/// Membership as the replicator sees it. The cluster layer's adapter translates its member events into these
/// (MemberUp → <see cref="ReplicaJoined"/>, MemberRemoved → <see cref="ReplicaRemoved"/>, UnreachableMember /
/// ReachableMember), so the replicator itself knows nothing of gossip membership or transports.
/// </summary>
public interface IReplicaMembershipEvent
{
    /// <summary>The replica concerned.</summary>
    ReplicaId Replica { get; }
}

/// <summary>A replica is up; <paramref name="Replicator"/> is its replicator (a remote ref on a real cluster).</summary>
public sealed record ReplicaJoined(ReplicaId Replica, IActorRef Replicator) : IReplicaMembershipEvent;

/// <summary>A replica left for good; its per-replica slots are pruned later.</summary>
public sealed record ReplicaRemoved(ReplicaId Replica) : IReplicaMembershipEvent;

/// <summary>The failure detector lost the replica; it still counts towards majorities but gets no deltas or gossip.</summary>
public sealed record ReplicaUnreachable(ReplicaId Replica) : IReplicaMembershipEvent;

/// <summary>The replica is reachable again.</summary>
public sealed record ReplicaReachable(ReplicaId Replica) : IReplicaMembershipEvent;
