using System.Diagnostics;
using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Crdt.Serialization;
using Google.Protobuf;

// CRDT micro-benchmarks: merge and delta-merge throughput, serialization cost and serialized sizes of a
// registry-shaped data set (10,000 hosts as LWW entries across 500 pools). Single-threaded; prints a table.
var seconds = args.Length > 0 && double.TryParse(args[0], out var s) ? s : 1.0;
var nodes = Enumerable.Range(1, 3).Select(i => new ReplicaId($"clusterlb@10.0.0.{i}:4053", 1000 + i)).ToArray();
const int FrameLimit = 128_000;
var clock = 1_763_700_000_000L;
LwwClock<ByteString> Tick() => (current, _) => Math.Max(current + 1, ++clock);
static ByteString Spec(int pool, int host) =>
    ByteString.CopyFromUtf8($"{{\"address\":\"10.{pool / 250}.{pool % 250}.{host}:8080\",\"weight\":1,\"state\":\"up\",\"check\":\"/healthz\"}}");

LWWMap<string, ByteString> Pool(int pool, int hosts)
{
    var map = LWWMap<string, ByteString>.Empty;
    for (var h = 0; h < hosts; h++)
    {
        map = map.SetItem(nodes[h % nodes.Length], $"host-{pool}-{h}", Spec(pool, h), Tick());
    }

    return map.ResetDelta();
}

var rows = new List<(string Name, string Value, string Unit)>();
void Row(string name, string value, string unit) { rows.Add((name, value, unit)); Console.Error.WriteLine($"  {name}: {value} {unit}"); }

double Rate(Func<int> body)
{
    body(); // warm up (JIT, caches)
    var watch = Stopwatch.StartNew();
    long ops = 0;
    while (watch.Elapsed.TotalSeconds < seconds)
    {
        ops += body();
    }

    return ops / watch.Elapsed.TotalSeconds;
}

// --- registry-shaped data: 500 pools x 20 hosts = 10,000 LWW entries -----------------------------------------
var pools = Enumerable.Range(0, 500).Select(p => Pool(p, 20)).ToArray();
var poolSizes = pools.Select(p => ReplicatedDataSerializer.SerializedSize(p)).ToArray();
Row("500 pool keys x 20 hosts: total serialized", $"{poolSizes.Sum():N0}", "bytes");
Row("  per pool key: mean / max", $"{poolSizes.Average():N0} / {poolSizes.Max():N0}", "bytes");
Row("  bytes per host entry", $"{poolSizes.Sum() / 10_000.0:N1}", "bytes");

var single = Pool(0, 10_000);
var singleSize = ReplicatedDataSerializer.SerializedSize(single);
Row("one key holding all 10,000 hosts", $"{singleSize:N0}", $"bytes ({(singleSize > FrameLimit ? "over" : "under")} the {FrameLimit:N0} B frame limit)");

var oneChange = pools[0].SetItem(nodes[1], "host-0-3", Spec(0, 99), Tick());
Row("delta of one host change", $"{ReplicatedDataSerializer.SerializedSize(oneChange.Delta!):N0}", "bytes");
Row("delta of one host removal", $"{ReplicatedDataSerializer.SerializedSize(pools[0].Remove(nodes[2], "host-0-4").Delta!):N0}", "bytes");

// --- throughput ------------------------------------------------------------------------------------------
var poolA = pools[7];
var poolB = poolA.SetItem(nodes[1], "host-7-1", Spec(7, 50), Tick()).Remove(nodes[2], "host-7-2").ResetDelta();
Row("merge, 20-host pool, 2 entries differ", $"{Rate(() => { _ = poolA.Merge(poolB); return 1; }):N0}", "merges/s");

var bigB = single.SetItem(nodes[1], "host-0-1", Spec(0, 50), Tick()).SetItem(nodes[2], "host-0-9000", Spec(0, 51), Tick()).ResetDelta();
Row("merge, 10,000-host map, 2 entries differ", $"{Rate(() => { _ = single.Merge(bigB); return 1; }):N1}", "merges/s");

var delta = oneChange.Delta!;
Row("delta-merge into a 20-host pool", $"{Rate(() => { _ = pools[0].MergeDelta(delta); return 1; }):N0}", "deltas/s");
var bigDelta = single.SetItem(nodes[1], "host-0-77", Spec(0, 77), Tick()).Delta!;
Row("delta-merge into a 10,000-host map", $"{Rate(() => { _ = single.MergeDelta(bigDelta); return 1; }):N0}", "deltas/s");

var counterA = Enumerable.Range(0, 3).Aggregate(GCounter.Empty, (c, i) => c.Increment(nodes[i], 10));
var counterB = counterA.Increment(nodes[0], 5).ResetDelta();
Row("GCounter merge (3 replicas)", $"{Rate(() => { _ = counterA.Merge(counterB); return 1; }):N0}", "merges/s");

var setA = Enumerable.Range(0, 1000).Aggregate(ORSet<string>.Empty, (set, i) => set.Add(nodes[i % 3], $"e{i}")).ResetDelta();
var setB = setA.Add(nodes[1], "new").Remove(nodes[2], "e5").ResetDelta();
Row("ORSet merge, 1,000 elements", $"{Rate(() => { _ = setA.Merge(setB); return 1; }):N0}", "merges/s");
var setDelta = setA.Add(nodes[1], "new").Delta!;
Row("ORSet delta-merge, 1,000 elements", $"{Rate(() => { _ = setA.MergeDelta(setDelta); return 1; }):N0}", "deltas/s");

var local = pools[3];
var n = 0;
Row("local update (SetItem) on a 20-host pool", $"{Rate(() => { local = local.SetItem(nodes[0], $"host-3-{n++ % 20}", Spec(3, 1), Tick()).ResetDelta(); return 1; }):N0}", "updates/s");

var poolBytes = ReplicatedDataSerializer.Serialize(pools[9]);
Row("serialize a 20-host pool", $"{Rate(() => { _ = ReplicatedDataSerializer.Serialize(pools[9]); return 1; }):N0}", "ops/s");
Row("deserialize a 20-host pool", $"{Rate(() => { _ = ReplicatedDataSerializer.Deserialize(poolBytes); return 1; }):N0}", "ops/s");
var deltaBytes = ReplicatedDataSerializer.Serialize(delta);
Row("deserialize + apply a one-host delta", $"{Rate(() => { _ = pools[0].MergeDelta(ReplicatedDataSerializer.Deserialize<LWWMapDelta<string, ByteString>>(deltaBytes)); return 1; }):N0}", "ops/s");

Console.WriteLine();
var width = rows.Max(r => r.Name.Length);
var valueWidth = rows.Max(r => r.Value.Length);
Console.WriteLine($"| {"measurement".PadRight(width)} | {"value".PadLeft(valueWidth)} | unit");
Console.WriteLine($"|{new string('-', width + 2)}|{new string('-', valueWidth + 2)}|------");
foreach (var (name, value, unit) in rows)
{
    Console.WriteLine($"| {name.PadRight(width)} | {value.PadLeft(valueWidth)} | {unit}");
}
