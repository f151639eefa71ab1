using Akka.Actor;
using Akka.Cluster;
using Akka.DistributedData;

namespace ClusterLb.Runtime.Registry;

/// <summary>Where this node's registry replica lives and who writes to it.</summary>
/// <param name="Replicator">This node's Akka.DistributedData replicator.</param>
/// <param name="Self">This node's unique cluster address (the writer of its updates).</param>
/// <param name="Node">This node's name in status and events: its cluster address.</param>
public sealed record RegistryReplica(IActorRef Replicator, UniqueAddress Self, string Node)
{
    /// <summary>The replica of <paramref name="system"/>'s distributed-data extension.</summary>
    public static RegistryReplica Of(ActorSystem system)
    {
        var cluster = Cluster.Get(system);
        return new RegistryReplica(DistributedData.Get(system).Replicator, cluster.SelfUniqueAddress, cluster.SelfAddress.ToString());
    }
}
