using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ClusterLb.Actors;
using ClusterLb.Cluster;
using ClusterLb.DistributedData;
using ClusterLb.DistributedData.Replication;
using ClusterLb.Hocon;
using ClusterLb.Remote;
using Pool = ClusterLb.DistributedData.Crdt.LWWMap<string, string>;

// Distributed data on real cluster nodes (each its own ActorSystem, remoting over loopback TCP, in one process):
//  - registry-change visibility: one change every 50 ms on node 1, time until every other node's subscriber got
//    Changed with it; p50/p99 over CHANGES changes, 3 and 5 nodes, notify-subscribers-interval 500 ms (default)
//    and 50 ms; every other setting at its default (delta 200 ms, gossip 2 s);
//  - at rest with 500 pool keys x 20 hosts replicated: the replicator's own bytes (clusterlb.ddata.bytes_sent) and
//    the transport's bytes (RemoteMetrics.BytesSent, cluster heartbeats and gossip included) per node per second,
//    next to the transport's bytes of the same cluster with no keys.
var changes = args.Length > 0 && int.TryParse(args[0], out var c) ? c : 200;
var idleSeconds = args.Length > 1 && int.TryParse(args[1], out var s) ? s : 10;
var rows = new List<string[]>();
using var ddataBytes = new DdataByteCounter();

foreach (var n in new[] { 3, 5 })
{
    foreach (var notify in new[] { 500, 50 })
    {
        await using var cluster = await NetCluster.Start(n, $"clusterlb.distributed-data.notify-subscribers-interval = {notify}ms");
        var latencies = await cluster.MeasureVisibility(changes);
        rows.Add([$"{n} nodes", $"notify {notify} ms", $"{Percentile(latencies, 50):F0}", $"{Percentile(latencies, 99):F0}", $"{latencies.Count}", "", "", ""]);
    }
}

foreach (var n in new[] { 3, 5 })
{
    await using var cluster = await NetCluster.Start(n, "");
    var empty = await cluster.MeasureTransport(TimeSpan.FromSeconds(idleSeconds));
    await cluster.Fill(500, 20);
    var ddataBefore = ddataBytes.Total;
    var full = await cluster.MeasureTransport(TimeSpan.FromSeconds(idleSeconds));
    var ddata = ddataBytes.Total - ddataBefore;
    rows.Add([$"{n} nodes", "at rest, 500 keys x 20", "", "", "", $"{ddata / n / idleSeconds:F0}", $"{full / n / idleSeconds:F0}", $"{empty / n / idleSeconds:F0}"]);
    if (cluster.DroppedOversized > 0)
    {
        Console.Error.WriteLine($"warning: {cluster.DroppedOversized} oversized frames dropped");
    }
}

string[] header = ["cluster", "scenario", "p50 ms", "p99 ms", "changes", "ddata B/node/s", "transport B/node/s", "no keys B/node/s"];
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

/// <summary>Real nodes on loopback; node 0 is the seed.</summary>
sealed class NetCluster : IAsyncDisposable
{
    private static readonly Key<Pool> Probe = new("pool-probe");
    private readonly List<Remoting> _nodes = [];
    private readonly ConcurrentDictionary<(int Node, string Host), long> _seen = new();

    public long DroppedOversized => _nodes.Sum(n => n.Transport.Metrics.DroppedOversized);

    public static async Task<NetCluster> Start(int n, string extra)
    {
        var cluster = new NetCluster();
        for (var i = 0; i < n; i++)
        {
            var config = ConfigFactory.ParseString($$"""
                clusterlb.remote { hostname = "127.0.0.1", secret = "bench" }
                clusterlb.cluster.port = 0
                {{extra}}
                """).Resolve();
            var remoting = await ClusterNode.StartAsync(config);
            cluster._nodes.Add(remoting);
            var ddata = DistributedData.Get(remoting.System);
            var node = i;
            var observer = remoting.System.ActorOf(Props.Create(() => new Observer(node, cluster._seen)), "observer");
            ddata.Replicator.Tell(new Subscribe(Probe, observer));
        }

        var seed = Cluster.Get(cluster._nodes[0].System).SelfAddress;
        foreach (var node in cluster._nodes)
        {
            Cluster.Get(node.System).JoinSeedNodes([seed]);
        }

        foreach (var node in cluster._nodes)
        {
            while (await DistributedData.Get(node.System).Replicator.Ask<ReplicaCount>(GetReplicaCount.Instance, TimeSpan.FromSeconds(10)) is { Count: var count } && count < n)
            {
                await Task.Delay(100);
            }
        }

        return cluster;
    }

    /// <summary>One change every 50 ms on node 0; latency = until the last other node's subscriber saw it.</summary>
    public async Task<List<double>> MeasureVisibility(int count)
    {
        var writer = DistributedData.Get(_nodes[0].System);
        var started = new Dictionary<string, long>();
        for (var i = 0; i < count; i++)
        {
            var host = $"host-{i}";
            started[host] = Stopwatch.GetTimestamp();
            writer.Replicator.Tell(Update.Create(Probe, Pool.Empty, WriteLocal.Instance, p => p.SetItem(writer.SelfReplica, host, "{\"port\":80}")));
            await Task.Delay(50);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        var others = Enumerable.Range(1, _nodes.Count - 1).ToList();
        while (DateTime.UtcNow < deadline && started.Keys.Any(h => others.Any(n => !_seen.ContainsKey((n, h)))))
        {
            await Task.Delay(20);
        }

        return started.Select(kv => others
            .Select(n => _seen.TryGetValue((n, kv.Key), out var at) ? Stopwatch.GetElapsedTime(kv.Value, at).TotalMilliseconds : double.PositiveInfinity)
            .Max()).ToList();
    }

    /// <summary>500 pools of 20 hosts written on node 0, then waits until every node has the last one and gossip settled.</summary>
    public async Task Fill(int keys, int hosts)
    {
        var writer = DistributedData.Get(_nodes[0].System);
        var replies = new List<Task<object>>();
        for (var k = 0; k < keys; k++)
        {
            var key = new Key<Pool>($"pool-{k:D3}");
            var pool = k;
            replies.Add(writer.Replicator.Ask<object>(Update.Create(key, Pool.Empty, WriteLocal.Instance, p =>
            {
                for (var h = 0; h < hosts; h++)
                {
                    p = p.SetItem(writer.SelfReplica, $"host-{h}", $"{{\"address\":\"10.{pool / 256}.{pool % 256}.{h}\",\"port\":8080,\"weight\":1}}");
                }

                return p;
            }), TimeSpan.FromSeconds(30)));
        }

        await Task.WhenAll(replies);
        foreach (var node in _nodes)
        {
            for (var k = 0; k < keys; k += 50)
            {
                var key = new Key<Pool>($"pool-{(k + 49 < keys ? k + 49 : keys - 1):D3}");
                while (await DistributedData.Get(node.System).Replicator.Ask<object>(new Get(key, ReadLocal.Instance), TimeSpan.FromSeconds(10)) is not GetSuccess)
                {
                    await Task.Delay(50);
                }
            }
        }

        await Task.Delay(TimeSpan.FromSeconds(5)); // let the first anti-entropy rounds settle before measuring
    }

    /// <summary>Transport bytes sent by all nodes during <paramref name="duration"/>.</summary>
    public async Task<long> MeasureTransport(TimeSpan duration)
    {
        var before = _nodes.Sum(n => n.Transport.Metrics.BytesSent);
        await Task.Delay(duration);
        return _nodes.Sum(n => n.Transport.Metrics.BytesSent) - before;
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_nodes.Select(n => n.DisposeAsync().AsTask()));
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

/// <summary>Sums the replicators' <c>clusterlb.ddata.bytes_sent</c> over every node of the process.</summary>
sealed class DdataByteCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public DdataByteCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "ClusterLb.DistributedData" && instrument.Name == "clusterlb.ddata.bytes_sent")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
