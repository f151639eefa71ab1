using ClusterLb.Actors;
using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Durable;
using ClusterLb.DistributedData.Membership;
using ClusterLb.DistributedData.Replication;
using ClusterLb.Persistence;
using ClusterLb.Remote;
using Microsoft.Extensions.Logging;

namespace ClusterLb.DistributedData;

/// <summary>
/// The distributed-data extension of an actor system (Akka's <c>DistributedData(system)</c>): one
/// <see cref="Replication.Replicator"/> per node, at <c>/system/ddataReplicator</c>, started on first use.
/// </summary>
/// <remarks>
/// <para>On a cluster node (a system started with remoting) the replica id is the cluster's self
/// <c>UniqueAddress</c>, the replicator's peers are the other Up members' replicators (fed by an adapter,
/// <c>/system/ddataMembership</c>, subscribed to cluster events), and the replicator's protobuf messages are
/// registered with the remote serializer. Without remoting the replicator runs alone.</para>
/// <para>Durable keys (<c>clusterlb.distributed-data.durable.keys</c>) are stored in the table
/// <see cref="SqlDurableStore.DefaultTable"/> of the database the system's <see cref="PersistenceExtension"/> uses;
/// register persistence before the first call. Without it the keys are kept in memory only (logged as a warning).</para>
/// </remarks>
public sealed class DistributedData
{
    /// <summary>The replicator's name under <c>/system</c>.</summary>
    public const string ReplicatorName = "ddataReplicator";

    private DistributedData(ActorSystem system)
    {
        var log = system.LoggerFactory.CreateLogger("ClusterLb.DistributedData.DistributedData");
        var settings = ReplicatorSettings.FromConfig(system.Settings);
        if (settings.DurableKeys.Count > 0)
        {
            DurableStore = FindDurableStore(system);
            if (DurableStore is null)
            {
                ReplicatorLog.DurableWithoutPersistence(log, string.Join(", ", settings.DurableKeys));
                settings = settings with { DurableKeys = [] };
            }
        }

        Settings = settings;
        var remoting = Remoting.Get(system);
        if (remoting is null)
        {
            SelfReplica = new ReplicaId($"clb://{system.Name}@local:0", Random.Shared.NextInt64(1, long.MaxValue));
            Replicator = system.SystemActorOf(Replication.Replicator.Props(SelfReplica, Settings, DurableStore), ReplicatorName);
            return;
        }

        // Registered before the replicator exists, so no peer message can arrive with an unknown manifest after this.
        remoting.Transport.Serializer.Register(Replication.Proto.ReplicatorReflection.Descriptor);
        var cluster = ClusterLb.Cluster.Cluster.Get(system);
        IsClustered = true;
        SelfReplica = ClusterMembershipAdapter.ReplicaOf(cluster.SelfUniqueAddress);
        Replicator = system.SystemActorOf(Replication.Replicator.Props(SelfReplica, Settings, DurableStore), ReplicatorName);
        system.SystemActorOf(ClusterMembershipAdapter.Props(cluster, remoting, Replicator), "ddataMembership");
        ReplicatorLog.ClusterMode(log, SelfReplica.ToString(), Settings.DurableKeys.Count == 0 ? "none" : string.Join(", ", Settings.DurableKeys),
            (DurableStore as SqlDurableStore)?.Table ?? "-");
    }

    /// <summary>The extension of <paramref name="system"/>, starting the replicator on first use.</summary>
    public static DistributedData Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.GetOrAddExtension(s => new DistributedData(s));
    }

    /// <summary>This node's replicator: send it Get, Update, Delete and Subscribe.</summary>
    public IActorRef Replicator { get; }

    /// <summary>This node's replica id (on a cluster: the self UniqueAddress's address string and uid).</summary>
    public ReplicaId SelfReplica { get; }

    /// <summary>The replicator's settings (<c>clusterlb.distributed-data</c>); durable keys are empty when nothing stores them.</summary>
    public ReplicatorSettings Settings { get; }

    /// <summary>True when the replicator follows the cluster's membership; false when it runs alone.</summary>
    public bool IsClustered { get; }

    /// <summary>Where durable keys are stored, or null when there are none or no persistence is registered.</summary>
    public IDurableStore? DurableStore { get; }

    private static IDurableStore? FindDurableStore(ActorSystem system) =>
        system.GetExtension<PersistenceExtension>()?.Dialect is { } dialect ? new SqlDurableStore(dialect) : null;
}
