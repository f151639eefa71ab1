using System.Diagnostics;
using ClusterLb.Cluster;
using ClusterLb.Cluster.Events;
using ClusterLb.Cluster.FailureDetection;
using ClusterLb.Cluster.Protocol;
using ClusterLb.Cluster.Tests.Simulation;

// Two kinds of numbers:
//  1. protocol timings in VIRTUAL time from the deterministic simulation (what the defaults give, independent of
//     this machine): cluster formation, failure detection, removal, message rate at rest;
//  2. CPU cost in REAL time of the hot pure functions (merge, convergence, receive gossip, phi).
var seeds = args.Length > 0 ? int.Parse(args[0]) : 30;

Console.WriteLine($"## Protocol timings (virtual time, default settings, {seeds} seeds each)");
Console.WriteLine();
Console.WriteLine("| scenario | p50 | p99 | max |");
Console.WriteLine("|---|---|---|---|");
foreach (var n in new[] { 3, 5, 10 })
{
    var times = new List<double>();
    for (var s = 1; s <= seeds; s++)
    {
        var sim = new ClusterSimulation(s * 104729).WithNodes(n);
        sim.StartAll(TimeSpan.FromSeconds(2));
        if (!sim.RunUntil(() => sim.IsConverged(sim.Nodes), TimeSpan.FromSeconds(120))) throw new Exception($"no convergence, seed {s}");
        times.Add(sim.Now.TotalSeconds);
    }
    Row($"form {n} nodes (all Up, converged)", times);
}
var detect = new List<double>();
var removed = new List<double>();
for (var s = 1; s <= seeds; s++)
{
    var sim = new ClusterSimulation(s * 7877).WithNodes(5);
    sim.StartAll(TimeSpan.FromSeconds(2));
    sim.RunUntil(() => sim.IsConverged(sim.Nodes), TimeSpan.FromSeconds(120));
    sim.RunFor(TimeSpan.FromSeconds(sim.Random.Next(1, 10)));
    var victim = sim.Nodes[sim.Random.Next(5)];
    var uid = victim.Self;
    var at = sim.Now;
    sim.Kill(victim);
    var rest = sim.Nodes.Where(x => x != victim).ToList();
    if (!sim.RunUntil(() => sim.IsConverged(rest), TimeSpan.FromSeconds(120))) throw new Exception($"no removal, seed {s}");
    detect.Add((rest.SelectMany(x => x.Events).Where(e => e.Event is UnreachableMember u && u.Member.UniqueAddress == uid).Min(e => e.At) - at).TotalSeconds);
    removed.Add((sim.Now - at).TotalSeconds);
}
Row("kill 1 of 5: first UnreachableMember", detect);
Row("kill 1 of 5: removed, survivors converged", removed);
Console.WriteLine();

Console.WriteLine("## Messages per node per second at rest (virtual time, 60 s after convergence)");
Console.WriteLine();
Console.WriteLine("| nodes | GossipEnvelope | GossipStatus | Heartbeat+Rsp | total |");
Console.WriteLine("|---|---|---|---|---|");
foreach (var n in new[] { 5, 10 })
{
    var sim = new ClusterSimulation(42).WithNodes(n);
    sim.StartAll(TimeSpan.FromSeconds(2));
    sim.RunUntil(() => sim.IsConverged(sim.Nodes), TimeSpan.FromSeconds(120));
    sim.RunFor(TimeSpan.FromSeconds(10));
    sim.MessagesSent.Clear();
    sim.RunFor(TimeSpan.FromSeconds(60));
    double Rate(params string[] kinds) => kinds.Sum(k => sim.MessagesSent.GetValueOrDefault(k)) / 60.0 / n;
    Console.WriteLine($"| {n} | {Rate("GossipEnvelope"):0.00} | {Rate("GossipStatus"):0.00} | {Rate("Heartbeat", "HeartbeatRsp"):0.00} | {Rate([.. sim.MessagesSent.Keys]):0.00} |");
}
Console.WriteLine();

Console.WriteLine("## CPU cost (real time on this machine, single thread)");
Console.WriteLine();
Console.WriteLine("| operation | ns/op | bytes allocated/op |");
Console.WriteLine("|---|---|---|");
foreach (var size in new[] { 10, 100 })
{
    var members = Enumerable.Range(1, size).Select(i => Member.Restore(
        new UniqueAddress(new Address("clb", "b", $"10.0.{i / 250}.{i % 250}", 4053), i), MemberStatus.Up, upNumber: i)).ToList();
    var self = members[0].UniqueAddress;
    var g1 = Gossip.Create(members).Increment(self);
    var g2 = Gossip.Create(members).Increment(members[1].UniqueAddress)
        .WithReachability(Reachability.Empty.Unreachable(members[1].UniqueAddress, members[^1].UniqueAddress));
    var seen = members.Aggregate(g1, (g, m) => g.Seen(m.UniqueAddress));
    var state = new MembershipState(seen, self);
    var none = new HashSet<UniqueAddress>();
    Measure($"Gossip.Merge, {size} members (concurrent)", () => g1.Merge(g2));
    Measure($"MembershipState.Convergence, {size} members", () => state.Convergence(none));
    Measure($"MembershipState.Leader, {size} members", () => state.Leader);
}
{
    var sim = new ClusterSimulation(7).WithNodes(10);
    sim.StartAll(TimeSpan.FromSeconds(2));
    sim.RunUntil(() => sim.IsConverged(sim.Nodes), TimeSpan.FromSeconds(120));
    var a = sim[1].Core;
    var b = sim[2];
    var envelope = new GossipEnvelope(b.Self, a.Self, b.State.LatestGossip);
    Measure("ClusterCore.Receive(GossipEnvelope), 10 members, same version", () => a.Receive(envelope));
    Measure("ClusterCore.Receive(GossipStatus), 10 members", () => a.Receive(new GossipStatus(b.Self, a.State.LatestGossip.Version)));
}
{
    var clock = new VirtualTimeProvider();
    var fd = new PhiAccrualFailureDetector(new FailureDetectorSettings(), clock);
    for (var i = 0; i < 1000; i++) { fd.Heartbeat(); clock.Advance(TimeSpan.FromSeconds(1)); }
    Measure("PhiAccrualFailureDetector.IsAvailable", () => fd.IsAvailable);
    Measure("PhiAccrualFailureDetector.Heartbeat (full window)", () => { clock.Advance(TimeSpan.FromSeconds(1)); fd.Heartbeat(); return 0; });
}

static void Row(string name, List<double> values)
{
    values.Sort();
    double P(double q) => values[Math.Min(values.Count - 1, (int)Math.Ceiling(q * values.Count) - 1)];
    Console.WriteLine($"| {name} | {P(0.5):0.0} s | {P(0.99):0.0} s | {values[^1]:0.0} s |");
}

static void Measure<T>(string name, Func<T> op)
{
    for (var i = 0; i < 2000; i++) op();
    var best = double.MaxValue;
    long bytes = 0;
    for (var round = 0; round < 5; round++)
    {
        var iterations = 20000;
        var alloc = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < iterations; i++) op();
        sw.Stop();
        bytes = (GC.GetAllocatedBytesForCurrentThread() - alloc) / iterations;
        best = Math.Min(best, sw.Elapsed.TotalNanoseconds / iterations);
    }
    Console.WriteLine($"| {name} | {best:0} | {bytes} |");
}
