using ClusterLb.Actors;
using ClusterLb.Cluster;
using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Replication;
using ClusterLb.Hocon;
using ClusterLb.Persistence;
using ClusterLb.Remote;
using ClusterLb.Remote.Transport;

namespace ClusterLb.DistributedData.Tests.ClusterMode;

/// <summary>
/// One real cluster node (remoting on a loopback socket, the cluster, optionally SQL persistence) with its
/// distributed-data extension, inside the test process.
/// </summary>
public sealed class DdataNode : IAsyncDisposable
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(15);

    private DdataNode(Remoting remoting)
    {
        Remoting = remoting;
        Cluster = ClusterLb.Cluster.Cluster.Get(remoting.System);
    }

    public Remoting Remoting { get; }

    public ClusterLb.Cluster.Cluster Cluster { get; }

    public ActorSystem System => Remoting.System;

    public DistributedData Ddata => DistributedData.Get(System);

    public ReplicaId Id => Ddata.SelfReplica;

    public NodeAddress NodeAddress => Remoting.SelfAddress.Address;

    public bool Stopped { get; private set; }

    /// <summary>Cluster and replicator timings short enough for tests; SBR effectively off unless <paramref name="extra"/> says otherwise.</summary>
    public static string Config(string extra = "") => $$"""
        clusterlb {
          remote {
            hostname = "127.0.0.1"
            secret = "ddata-test-secret"
            handshake-timeout = 5s
            retry-gate-closed-for = 300ms
            backoff { min = 100ms, max = 300ms }
            system-message-resend-interval = 500ms
          }
          cluster {
            port = 0
            gossip-interval = 200ms
            leader-actions-interval = 200ms
            unreachable-nodes-reaper-interval = 200ms
            seed-node-timeout = 1s
            retry-unsuccessful-join-after = 2s
            failure-detector {
              heartbeat-interval = 200ms
              acceptable-heartbeat-pause = 1s
              expected-response-after = 500ms
            }
            split-brain-resolver { stable-after = 10m, down-all-when-unstable = off }
          }
          distributed-data {
            gossip-interval = 300ms
            delta-propagation-interval = 50ms
            notify-subscribers-interval = 50ms
          }
        }
        {{extra}}
        """;

    /// <summary>
    /// Starts a node; with <paramref name="withPersistence"/> the SQL persistence described by <paramref name="extra"/>
    /// is registered first (as the node does), so durable keys go to its database. Without
    /// <paramref name="startDdata"/> the extension starts on first use of <see cref="Ddata"/>.
    /// </summary>
    public static async Task<DdataNode> StartAsync(TransportFaults faults, string extra = "", bool withPersistence = false, bool startDdata = true)
    {
        var config = ConfigFactory.ParseString(Config(extra)).Resolve();
        var remoting = await ClusterNode.StartAsync(config, new RemotingOptions { Faults = faults });
        if (withPersistence)
        {
            PersistenceExtension.Register(remoting.System);
        }

        var node = new DdataNode(remoting);
        if (startDdata)
        {
            _ = node.Ddata; // the replicator and its membership adapter start now, before the node joins
        }

        return node;
    }

    public Task<object> Ask(object message) => Ddata.Replicator.Ask<object>(message, AskTimeout);

    public Task<object> Update<T>(Key<T> key, T initial, WriteConsistency consistency, Func<T, T> modify)
        where T : IReplicatedData =>
        Ask(ClusterLb.DistributedData.Replication.Update.Create(key, initial, consistency, modify));

    public async Task<T?> GetLocal<T>(Key<T> key)
        where T : class, IReplicatedData =>
        await Ask(new Get(key, ReadLocal.Instance)) is GetSuccess success ? success.Get(key) : null;

    public async Task<int> ReplicaCountAsync() => ((ReplicaCount)await Ask(GetReplicaCount.Instance)).Count;

    public async ValueTask DisposeAsync()
    {
        if (Stopped)
        {
            return;
        }

        Stopped = true;
        try
        {
            await Remoting.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            // A node that cannot finish its shutdown must not hang the run; the assertions already ran.
        }
    }
}
