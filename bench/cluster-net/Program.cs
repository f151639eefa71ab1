using System.Diagnostics;
using ClusterLb.Actors;
using ClusterLb.Cluster;
using ClusterLb.Cluster.Wire;
using ClusterLb.Hocon;
using ClusterLb.Remote;
using Google.Protobuf;

// Nodes use the reference defaults (gossip 1 s, heartbeat 1 s, acceptable pause 3 s, seed-node-timeout 5 s), except
// that no node shuts itself down and SBR waits long enough not to interfere with the detection measurement.
var repeats = args.Length > 0 ? int.Parse(args[0]) : 3;
const string Hocon = """
    clusterlb.remote { hostname = "127.0.0.1", secret = "bench" }
    clusterlb.cluster { port = 0, run-coordinated-shutdown-when-down = off, split-brain-resolver.stable-after = 60s }
    """;

async Task<List<Remoting>> Start(int n)
{
    var nodes = new List<Remoting>();
    for (var i = 0; i < n; i++) nodes.Add(await ClusterNode.StartAsync(ConfigFactory.ParseString(Hocon).Resolve()));
    return nodes;
}

async Task Stop(IEnumerable<Remoting> nodes) => await Task.WhenAll(nodes.Select(async n =>
{
    try { await n.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20)); } catch (Exception) { /* best effort */ }
}));

static Cluster C(Remoting r) => Cluster.Get(r.System);

static async Task<TimeSpan> Until(Func<bool> done, TimeSpan deadline)
{
    var sw = Stopwatch.StartNew();
    while (!done())
    {
        if (sw.Elapsed > deadline) throw new TimeoutException("condition not reached");
        await Task.Delay(10);
    }
    return sw.Elapsed;
}

static bool Formed(IEnumerable<Remoting> nodes, int size) => nodes.All(n =>
    C(n).State.Members.Count == size && C(n).State.Members.All(m => m.Status == MemberStatus.Up) && C(n).State.SeenBy.Count == size);

static string P(List<double> xs, double q) { xs.Sort(); return xs[Math.Min(xs.Count - 1, (int)Math.Ceiling(q * xs.Count) - 1)].ToString("0.00"); }

Console.WriteLine("| nodes | form p50 (s) | form max (s) | runs |");
Console.WriteLine("| --- | --- | --- | --- |");
foreach (var size in new[] { 3, 5, 10 })
{
    var times = new List<double>();
    for (var r = 0; r < repeats; r++)
    {
        var nodes = await Start(size);
        var seeds = nodes.Take(2).Select(n => C(n).SelfAddress).ToList();
        var sw = Stopwatch.StartNew();
        foreach (var n in nodes) C(n).JoinSeedNodes(seeds);
        await Until(() => Formed(nodes, size), TimeSpan.FromSeconds(120));
        times.Add(sw.Elapsed.TotalSeconds);
        await Stop(nodes);
    }
    Console.WriteLine($"| {size} | {P(times, 0.5)} | {times.Max():0.00} | {repeats} |");
}

// Failure detection: kill one node of five (daemon stopped, sockets closed, no leave) and time until a survivor
// marks it unreachable. Each kill uses a fresh cluster so the statistics are independent.
var detect = new List<double>();
for (var r = 0; r < repeats * 3; r++)
{
    var nodes = await Start(5);
    var seeds = nodes.Take(2).Select(n => C(n).SelfAddress).ToList();
    foreach (var n in nodes) C(n).JoinSeedNodes(seeds);
    await Until(() => Formed(nodes, 5), TimeSpan.FromSeconds(120));
    var victim = nodes[^1];
    var victimUid = C(victim).SelfUniqueAddress;
    await C(victim).Daemon.GracefulStop(TimeSpan.FromSeconds(10));
    await victim.Transport.DisposeAsync();
    var sw = Stopwatch.StartNew();
    await Until(() => C(nodes[0]).State.Unreachable.Any(m => m.UniqueAddress.Equals(victimUid)), TimeSpan.FromSeconds(60));
    detect.Add(sw.Elapsed.TotalSeconds);
    await Stop(nodes);
}
Console.WriteLine();
Console.WriteLine("| failure detection (5 nodes, defaults) | p50 (s) | p99 (s) | kills |");
Console.WriteLine("| --- | --- | --- | --- |");
Console.WriteLine($"| killed node marked unreachable | {P(detect, 0.5)} | {P(detect, 0.99)} | {detect.Count} |");

// Traffic at rest: frames and bytes (length prefix included) per node per second over 10 s of a converged cluster,
// which is gossip (status digests, full gossip when versions differ) plus heartbeats; and the encoded sizes of the
// gossip messages.
Console.WriteLine();
Console.WriteLine("| nodes | frames sent / node / s at rest | bytes sent / node / s at rest | gossip status bytes | full gossip bytes |");
Console.WriteLine("| --- | --- | --- | --- | --- |");
foreach (var size in new[] { 3, 5, 10 })
{
    var nodes = await Start(size);
    var seeds = nodes.Take(2).Select(n => C(n).SelfAddress).ToList();
    foreach (var n in nodes) C(n).JoinSeedNodes(seeds);
    await Until(() => Formed(nodes, size), TimeSpan.FromSeconds(120));
    await Task.Delay(TimeSpan.FromSeconds(3)); // let the join traffic settle (a benchmark, not a test)
    var before = nodes.Sum(n => n.Transport.Metrics.FramesSent);
    var bytesBefore = nodes.Sum(n => n.Transport.Metrics.BytesSent);
    await Task.Delay(TimeSpan.FromSeconds(10));
    var perNode = (nodes.Sum(n => n.Transport.Metrics.FramesSent) - before) / 10.0 / size;
    var bytesPerNode = (nodes.Sum(n => n.Transport.Metrics.BytesSent) - bytesBefore) / 10.0 / size;
    var members = C(nodes[0]).State.Members;
    var gossip = Gossip.Create(members, new GossipOverview([.. members.Select(m => m.UniqueAddress)], Reachability.Empty));
    foreach (var m in members) gossip = gossip.Increment(m.UniqueAddress);
    var full = GossipCodec.Encode(gossip).CalculateSize();
    var digest = ClusterMessageCodec.Encode(new ClusterLb.Cluster.Protocol.GossipStatus(members.First().UniqueAddress, gossip.Version)).CalculateSize();
    Console.WriteLine($"| {size} | {perNode:0.0} | {bytesPerNode:0} | {digest} | {full} |");
    await Stop(nodes);
}
