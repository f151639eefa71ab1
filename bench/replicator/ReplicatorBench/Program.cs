using System.Collections.Concurrent;
using System.Diagnostics;
using ClusterLb.Actors;
using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Replication;
using Google.Protobuf;
using Pool = ClusterLb.DistributedData.Crdt.LWWMap<string, string>;

// Replicator benchmark, in one process over an in-memory link that counts protobuf bytes (no real sockets):
// registry-change visibility latency (update on one replica -> Changed at every other replica's subscriber, p50/p99
// over the changes) and steady-state anti-entropy bytes per node per second with 500 pool keys of 20 hosts.
// Default settings (delta 200 ms, notify 500 ms, gossip 2 s) unless noted.
var changes = args.Length > 0 && int.TryParse(args[0], out var c) ? c : 200;
var idleSeconds = args.Length > 1 && int.TryParse(args[1], out var s) ? s : 10;
var rows = new List<string[]>();

foreach (var (n, notify, separateSystems) in new[] { (3, 500, true), (5, 500, true), (3, 50, true), (5, 50, true), (100, 50, false) })
{
    var settings = new ReplicatorSettings { NotifySubscribersInterval = TimeSpan.FromMilliseconds(notify) };
    await using var cluster = await BenchCluster.Start(n, settings, separateSystems);
    var latencies = await cluster.MeasureVisibility(n == 100 ? Math.Min(changes, 50) : changes);
    rows.Add([$"{n} replicas", $"notify {notify} ms", $"{Percentile(latencies, 50):F0}", $"{Percentile(latencies, 99):F0}",
        $"{latencies.Count}", "", ""]);
}

foreach (var n in new[] { 3, 5 })
{
    await using var cluster = await BenchCluster.Start(n, new ReplicatorSettings(), separateSystems: true);
    await cluster.Fill(500, 20);
    var (bytes, messages) = await cluster.MeasureIdle(TimeSpan.FromSeconds(idleSeconds));
    rows.Add([$"{n} replicas", "idle, 500 keys x 20", "", "", "", $"{bytes / n / idleSeconds:F0}", $"{(double)messages / n / idleSeconds:F1}"]);
}

string[] header = ["cluster", "scenario", "p50 ms", "p99 ms", "changes", "gossip B/node/s", "msgs/node/s"];
var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
Console.WriteLine(string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))));
Console.WriteLine(string.Join("-|-", widths.Select(w => new string('-', w))));
foreach (var row in rows)
{
    Console.WriteLine(string.Join(" | ", row.Select((v, i) => v.PadRight(widths[i]))));
}

static double Percentile(List<double> values, int p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

sealed class BenchCluster : IAsyncDisposable
{
    private static readonly Key<Pool> Probe = new("pool-probe");
    private readonly List<ActorSystem> _systems = [];
    private readonly List<(ReplicaId Id, IActorRef Replicator)> _nodes = [];
    private readonly ConcurrentDictionary<(int Node, string Host), long> _seen = new();
    private long _bytes;
    private long _messages;

    public static async Task<BenchCluster> Start(int n, ReplicatorSettings settings, bool separateSystems)
    {
        var cluster = new BenchCluster();
        ActorSystem? shared = null;
        for (var i = 0; i < n; i++)
        {
            var system = separateSystems ? ActorSystem.Create($"node{i}") : shared ??= ActorSystem.Create("nodes");
            if (separateSystems || i == 0)
            {
                cluster._systems.Add(system);
            }

            var id = new ReplicaId($"clusterlb@127.0.0.1:{30000 + i}", 1);
            cluster._nodes.Add((id, system.ActorOf(Replicator.Props(id, settings), $"replicator-{i}")));
            var node = i;
            var observer = system.ActorOf(Props.Create(() => new Observer(node, cluster._seen)), $"observer-{i}");
            cluster._nodes[i].Replicator.Tell(new Subscribe(Probe, observer));
        }

        foreach (var a in cluster._nodes)
        {
            foreach (var b in cluster._nodes.Where(b => b != a))
            {
                a.Replicator.Tell(new ReplicaJoined(b.Id, new CountingLink(cluster, b.Replicator)));
            }
        }

        await cluster._nodes[0].Replicator.Ask<ReplicaCount>(GetReplicaCount.Instance, TimeSpan.FromSeconds(10));
        return cluster;
    }

    /// <summary>One change every 50 ms on replica 0; latency = until the last other replica's subscriber saw it.</summary>
    public async Task<List<double>> MeasureVisibility(int count)
    {
        var writer = _nodes[0];
        var started = new Dictionary<string, long>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var host = $"host-{i}";
            started[host] = Stopwatch.GetTimestamp();
            writer.Replicator.Tell(Update.Create(Probe, Pool.Empty, WriteLocal.Instance, p => p.SetItem(writer.Id, host, "spec")));
            await Task.Delay(50);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && started.Keys.Any(h => Enumerable.Range(1, _nodes.Count - 1).Any(n => !_seen.ContainsKey((n, h)))))
        {
            await Task.Delay(20);
        }

        return started.Select(kv => Enumerable.Range(1, _nodes.Count - 1)
            .Select(n => _seen.TryGetValue((n, kv.Key), out var at) ? Stopwatch.GetElapsedTime(kv.Value, at).TotalMilliseconds : double.PositiveInfinity)
            .Max()).ToList();
    }

    public async Task Fill(int keys, int hosts)
    {
        var writer = _nodes[0];
        var replies = new List<Task<object>>();
        for (var k = 0; k < keys; k++)
        {
            var key = new Key<Pool>($"pool-{k:D3}");
            replies.Add(writer.Replicator.Ask<object>(Update.Create(key, Pool.Empty, WriteLocal.Instance, p =>
            {
                for (var h = 0; h < hosts; h++)
                {
                    p = p.SetItem(writer.Id, $"host-{h}", $"{{\"address\":\"10.0.{h}.1:80\",\"weight\":1}}");
                }

                return p;
            }), TimeSpan.FromSeconds(30)));
        }

        await Task.WhenAll(replies);
        var last = new Key<Pool>($"pool-{keys - 1:D3}");
        foreach (var node in _nodes)
        {
            while (await node.Replicator.Ask<object>(new Get(last, ReadLocal.Instance), TimeSpan.FromSeconds(10)) is not GetSuccess)
            {
                await Task.Delay(50);
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(5)); // let the first anti-entropy rounds settle before measuring
    }

    public async Task<(long Bytes, long Messages)> MeasureIdle(TimeSpan duration)
    {
        var (b0, m0) = (Interlocked.Read(ref _bytes), Interlocked.Read(ref _messages));
        await Task.Delay(duration);
        return (Interlocked.Read(ref _bytes) - b0, Interlocked.Read(ref _messages) - m0);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var system in _systems)
        {
            await system.Terminate();
        }
    }

    private sealed class CountingLink(BenchCluster cluster, IActorRef target) : IActorRef
    {
        public ActorPath Path => target.Path;

        public void Tell(object message, IActorRef? sender = null)
        {
            if (message is IMessage protobuf)
            {
                Interlocked.Add(ref cluster._bytes, protobuf.CalculateSize());
                Interlocked.Increment(ref cluster._messages);
            }

            target.Tell(message, sender);
        }

        public bool Equals(IActorRef? other) => other is CountingLink link && link.Path == Path;

        public override bool Equals(object? obj) => Equals(obj as IActorRef);

        public override int GetHashCode() => Path.GetHashCode();
    }

    private sealed class Observer : ReceiveActor
    {
        public Observer(int node, ConcurrentDictionary<(int, string), long> seen) =>
            Receive<Changed>(changed =>
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var host in ((Pool)changed.Data).Entries.Keys)
                {
                    seen.TryAdd((node, host), now);
                }
            });
    }
}
