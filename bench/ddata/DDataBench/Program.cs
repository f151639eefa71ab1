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

var rows = new List<(string Name, string Value, string Unit, string Cpu, string Alloc)>();
void Row(string name, string value, string unit) => rows.Add((name, value, unit, "", ""));

// The machine is shared, so wall-clock rates swing with other load; CPU time of this thread per op and bytes
// allocated per op are the steadier numbers.
void Measure(string name, Action body)
{
    body(); // warm up (JIT, caches)
    var watch = Stopwatch.StartNew();
    var cpuStart = ThreadCpu();
    var allocStart = GC.GetAllocatedBytesForCurrentThread();
    long ops = 0;
    while (watch.Elapsed.TotalSeconds < seconds)
    {
        for (var i = 0; i < 16; i++)
        {
            body();
        }

        ops += 16;
    }

    var cpu = ThreadCpu() - cpuStart;
    var alloc = GC.GetAllocatedBytesForCurrentThread() - allocStart;
    rows.Add((name, $"{ops / watch.Elapsed.TotalSeconds:N0}", "ops/s", $"{cpu.TotalMilliseconds * 1000 / ops:N2}", $"{alloc / ops:N0}"));
}

static TimeSpan ThreadCpu() => ThreadClock.Now();

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
Measure("merge, 20-host pool, 2 entries differ", () => { _ = poolA.Merge(poolB); });

var bigB = single.SetItem(nodes[1], "host-0-1", Spec(0, 50), Tick()).SetItem(nodes[2], "host-0-9000", Spec(0, 51), Tick()).ResetDelta();
Measure("merge, 10,000-host map, 2 entries differ", () => { _ = single.Merge(bigB); });

var delta = oneChange.Delta!;
Measure("delta-merge into a 20-host pool", () => { _ = pools[0].MergeDelta(delta); });
var bigDelta = single.SetItem(nodes[1], "host-0-77", Spec(0, 77), Tick()).Delta!;
Measure("delta-merge into a 10,000-host map", () => { _ = single.MergeDelta(bigDelta); });

var counterA = Enumerable.Range(0, 3).Aggregate(GCounter.Empty, (c, i) => c.Increment(nodes[i], 10));
var counterB = counterA.Increment(nodes[0], 5).ResetDelta();
Measure("GCounter merge (3 replicas)", () => { _ = counterA.Merge(counterB); });

var setA = Enumerable.Range(0, 1000).Aggregate(ORSet<string>.Empty, (set, i) => set.Add(nodes[i % 3], $"e{i}")).ResetDelta();
var setB = setA.Add(nodes[1], "new").Remove(nodes[2], "e5").ResetDelta();
Measure("ORSet merge, 1,000 elements", () => { _ = setA.Merge(setB); });
var setDelta = setA.Add(nodes[1], "new").Delta!;
Measure("ORSet delta-merge, 1,000 elements", () => { _ = setA.MergeDelta(setDelta); });

var local = pools[3];
var n = 0;
Measure("local update (SetItem) on a 20-host pool", () => { local = local.SetItem(nodes[0], $"host-3-{n++ % 20}", Spec(3, 1), Tick()).ResetDelta(); });

var poolBytes = ReplicatedDataSerializer.Serialize(pools[9]);
Measure("serialize a 20-host pool", () => { _ = ReplicatedDataSerializer.Serialize(pools[9]); });
Measure("deserialize a 20-host pool", () => { _ = ReplicatedDataSerializer.Deserialize(poolBytes); });
var deltaBytes = ReplicatedDataSerializer.Serialize(delta);
Measure("deserialize + apply a one-host delta", () => { _ = pools[0].MergeDelta(ReplicatedDataSerializer.Deserialize<LWWMapDelta<string, ByteString>>(deltaBytes)); });

Console.WriteLine();
var width = rows.Max(r => r.Name.Length);
var valueWidth = rows.Max(r => r.Value.Length);
Console.WriteLine($"| {"measurement".PadRight(width)} | {"value".PadLeft(valueWidth)} | {"CPU us/op",9} | {"alloc B/op",10} | unit");
Console.WriteLine($"|{new string('-', width + 2)}|{new string('-', valueWidth + 2)}|-----------|------------|------");
foreach (var (name, value, unit, cpu, alloc) in rows)
{
    Console.WriteLine($"| {name.PadRight(width)} | {value.PadLeft(valueWidth)} | {cpu,9} | {alloc,10} | {unit}");
}

/// <summary>CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID): unaffected by other processes' load.</summary>
internal static class ThreadClock
{
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    public static TimeSpan Now()
    {
        const int ThreadCpuTime = 3;
        return ClockGetTime(ThreadCpuTime, out var time) == 0
            ? TimeSpan.FromTicks(time.Seconds * TimeSpan.TicksPerSecond + time.Nanoseconds / 100)
            : System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    }
}
