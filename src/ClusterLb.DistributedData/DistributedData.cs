using ClusterLb.Actors;
using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Replication;

namespace ClusterLb.DistributedData;

/// <summary>
/// The distributed-data extension of an actor system (Akka's <c>DistributedData(system)</c>): one
/// <see cref="Replication.Replicator"/> per node, at <c>/system/ddataReplicator</c>, started on first use.
/// </summary>
/// <remarks>
/// This first version runs the replicator alone (a node without a cluster). Joining it to the cluster's
/// membership and wiring the durable store are the next steps.
/// </remarks>
public sealed class DistributedData
{
    private DistributedData(ActorSystem system)
    {
        Settings = ReplicatorSettings.FromConfig(system.Settings);
        SelfReplica = new ReplicaId($"clb://{system.Name}@local:0", Random.Shared.NextInt64(1, long.MaxValue));
        Replicator = system.SystemActorOf(Replication.Replicator.Props(SelfReplica, Settings), "ddataReplicator");
    }

    /// <summary>The extension of <paramref name="system"/>, starting the replicator on first use.</summary>
    public static DistributedData Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.GetOrAddExtension(s => new DistributedData(s));
    }

    /// <summary>This node's replicator: send it Get, Update, Delete and Subscribe.</summary>
    public IActorRef Replicator { get; }

    /// <summary>This node's replica id.</summary>
    public ReplicaId SelfReplica { get; }

    /// <summary>The replicator's settings (<c>clusterlb.distributed-data</c>).</summary>
    public ReplicatorSettings Settings { get; }
}
