using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.DistributedData;

namespace ClusterLb.Runtime.Tests.Durable;

/// <summary>
/// One real cluster node for the durable-store tests: an ActorSystem with the cluster provider on a loopback port
/// chosen by the OS, joined to itself, with DData's real Replicator and the given durable section.
/// </summary>
internal sealed class DurableNode : IAsyncDisposable
{
    /// <summary>The longest any step of these tests waits for a reply or an event.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static readonly Config NodeConfig = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.cluster.min-nr-of-members = 1
        """);

    private DurableNode(ActorSystem system)
    {
        System = system;
    }

    public ActorSystem System { get; }

    /// <summary>The node's Replicator; the first call starts it (and so the durable store's LoadAll).</summary>
    public IActorRef Replicator => DistributedData.Get(System).Replicator;

    public Cluster Cluster => Cluster.Get(System);

    /// <summary>Starts the system and waits until it is Up in its own one-node cluster; the Replicator is not started yet.</summary>
    public static async Task<DurableNode> StartAsync(Config durable)
    {
        var system = ActorSystem.Create("durable", durable.WithFallback(NodeConfig));
        var node = new DurableNode(system);
        try
        {
            var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node.Cluster.RegisterOnMemberUp(() => up.TrySetResult());
            node.Cluster.Join(node.Cluster.SelfAddress);
            await up.Task.WaitAsync(Deadline);
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    public Task<IUpdateResponse> UpdateAsync<T>(IKey<T> key, T initial, Func<T, T> modify)
        where T : IReplicatedData<T> =>
        Replicator.Ask<IUpdateResponse>(Dsl.Update(key, initial, WriteLocal.Instance, modify), Deadline);

    public Task<IGetResponse> GetAsync<T>(IKey<T> key)
        where T : IReplicatedData =>
        Replicator.Ask<IGetResponse>(Dsl.Get(key, ReadLocal.Instance), Deadline);

    /// <summary>Terminates the system; the durable store's writer closes its connection on the way down.</summary>
    public async ValueTask DisposeAsync() => await System.Terminate().WaitAsync(Deadline);
}
