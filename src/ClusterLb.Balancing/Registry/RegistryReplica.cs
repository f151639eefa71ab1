using ClusterLb.Actors;
using ClusterLb.DistributedData.Crdt;

namespace ClusterLb.Balancing.Registry;

/// <summary>Where this node's registry replica lives and who writes to it.</summary>
/// <param name="Replicator">This node's replicator.</param>
/// <param name="Self">This node's replica id (the writer of its updates).</param>
/// <param name="Node">This node's name in status and events (cluster address, or the node name off-cluster).</param>
public sealed record RegistryReplica(IActorRef Replicator, ReplicaId Self, string Node)
{
    /// <summary>The replica of <paramref name="system"/>'s distributed-data extension.</summary>
    public static RegistryReplica Of(ActorSystem system, string? node = null)
    {
        var ddata = ClusterLb.DistributedData.DistributedData.Get(system);
        return new RegistryReplica(ddata.Replicator, ddata.SelfReplica, node ?? system.Name);
    }
}
