using System.Threading.Channels;
using ClusterLb.Actors;
using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Replication;

namespace ClusterLb.DistributedData.Tests.Replication;

/// <summary>Replicators of N "nodes", each in its own ActorSystem, joined over a <see cref="TestNetwork"/>.</summary>
public sealed class ReplicaCluster : IAsyncDisposable
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private ReplicaCluster(ReplicatorSettings settings) => Settings = settings;

    public TestNetwork Network { get; } = new();

    public ReplicatorSettings Settings { get; }

    public List<Node> Nodes { get; } = new();

    public CapturingLoggerFactory Logs { get; } = new();

    public Node this[int index] => Nodes[index];

    /// <summary>Fast timers so tests converge in well under a second; pruning waits only briefly.</summary>
    public static ReplicatorSettings FastSettings => new()
    {
        GossipInterval = TimeSpan.FromMilliseconds(150),
        DeltaPropagationInterval = TimeSpan.FromMilliseconds(30),
        NotifySubscribersInterval = TimeSpan.FromMilliseconds(30),
        PruningInterval = TimeSpan.FromMilliseconds(100),
        MaxPruningDissemination = TimeSpan.FromMilliseconds(300),
    };

    /// <summary>Starts <paramref name="count"/> replicators; with <paramref name="join"/> every pair knows each other.</summary>
    public static ReplicaCluster Start(int count, ReplicatorSettings? settings = null, bool join = true, Func<int, IDurableStore?>? stores = null)
    {
        var cluster = new ReplicaCluster(settings ?? FastSettings);
        for (var i = 0; i < count; i++)
        {
            cluster.Nodes.Add(cluster.StartNode(i, stores?.Invoke(i)));
        }

        if (join)
        {
            cluster.JoinAll();
        }

        return cluster;
    }

    public Node StartNode(int index, IDurableStore? store = null, long uid = 1)
    {
        var id = new ReplicaId($"clusterlb@127.0.0.1:{25000 + index}", uid);
        var system = ActorSystem.Create($"node{index}", new ActorSystemSetup(LoggerFactory: Logs));
        var replicator = system.ActorOf(Replicator.Props(id, Settings, store), "ddata-replicator");
        return new Node(id, system, replicator);
    }

    public void JoinAll()
    {
        foreach (var a in Nodes)
        {
            foreach (var b in Nodes)
            {
                Introduce(a, b);
            }
        }
    }

    public void Introduce(Node a, Node b)
    {
        if (a != b)
        {
            a.Replicator.Tell(new ReplicaJoined(b.Id, Network.Link(a.Id, b.Id, b.Replicator)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.System.Terminate();
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes (then fails with <paramref name="what"/>).</summary>
    public static async Task Eventually(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? Deadline);
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"Timed out waiting until {what}");
            }

            await Task.Delay(20);
        }
    }

    public sealed record Node(ReplicaId Id, ActorSystem System, IActorRef Replicator)
    {
        public Task<object> Ask(object message) => Replicator.Ask<object>(message, AskTimeout);

        public async Task<T?> GetLocal<T>(Key<T> key)
            where T : class, IReplicatedData =>
            await Ask(new Get(key, ReadLocal.Instance)) is GetSuccess success ? success.Get(key) : null;

        public Task<object> Update<T>(Key<T> key, T initial, WriteConsistency consistency, Func<T, T> modify, object? request = null)
            where T : IReplicatedData =>
            Ask(ClusterLb.DistributedData.Replication.Update.Create(key, initial, consistency, modify, request));
    }
}

/// <summary>An actor that hands every message it receives to the test.</summary>
public sealed class ProbeActor : ReceiveActor
{
    public ProbeActor(ChannelWriter<object> inbox) => ReceiveAny(message => inbox.TryWrite(message));

    public static (IActorRef Ref, ChannelReader<object> Inbox) Create(ActorSystem system, string name)
    {
        var channel = Channel.CreateUnbounded<object>();
        return (system.ActorOf(Props.Create(() => new ProbeActor(channel.Writer)), name), channel.Reader);
    }

    /// <summary>The first message of type <typeparamref name="T"/> matching <paramref name="match"/> within the deadline.</summary>
    public static async Task<T> Expect<T>(ChannelReader<object> inbox, Func<T, bool> match, string what)
    {
        using var cts = new CancellationTokenSource(ReplicaCluster.Deadline);
        try
        {
            while (true)
            {
                if (await inbox.ReadAsync(cts.Token) is T typed && match(typed))
                {
                    return typed;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"No {typeof(T).Name} arrived: {what}");
            throw;
        }
    }
}
