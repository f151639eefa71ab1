using System.Collections.Immutable;
using System.Diagnostics;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;

// The routing cost the request path adds on top of YARP: RouteHandle.Pick + RouteHandle.Complete against a
// published snapshot, per algorithm and thread count. Prints a Markdown table.
var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1.0;
Console.WriteLine("| policy | hosts | threads | ns/op (per thread) | Mops/s (total) | bytes/op |");
Console.WriteLine("|---|---|---|---|---|---|");
foreach (var (name, weights) in new[] { ("round-robin", new[] { 1, 1, 1 }), ("smooth-weighted", new[] { 5, 3, 2 }), ("round-robin", Enumerable.Repeat(1, 32).ToArray()) })
{
    foreach (var threads in new[] { 1, Environment.ProcessorCount })
    {
        Run(name, weights, threads, seconds);
    }
}

static void Run(string name, int[] weights, int threads, double seconds)
{
    var hosts = weights.Select((w, i) => new UpstreamHost("svc", "p", new HostSettings($"h{i}", new Uri($"http://10.0.0.{i + 1}:80"), w), PassiveHealthSettings.Default, NullOutcomeSink.Instance)).ToImmutableArray();
    IBalancingPolicy policy = weights.Distinct().Count() > 1 ? new SmoothWeightedRoundRobinPolicy() : new RoundRobinPolicy();
    var handle = new RouteHandle("svc");
    handle.Publish(new RoutingSnapshot("svc", 1, [new PoolRoute("p", 0, policy, hosts, hosts)]));
    var outcome = new RequestOutcome(200, TimeSpan.FromMilliseconds(1), false);

    for (var i = 0; i < 200_000; i++)
    {
        RouteHandle.Complete(handle.Pick()!, outcome);
    }

    var ops = new long[threads];
    var allocated = new long[threads];
    var stop = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
    var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        long n = 0;
        while (Stopwatch.GetTimestamp() < stop)
        {
            for (var i = 0; i < 1024; i++)
            {
                RouteHandle.Complete(handle.Pick()!, outcome);
            }
            n += 1024;
        }
        ops[t] = n;
        allocated[t] = GC.GetAllocatedBytesForCurrentThread() - before;
    })).ToList();
    var started = Stopwatch.GetTimestamp();
    workers.ForEach(w => w.Start());
    workers.ForEach(w => w.Join());
    var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
    var total = ops.Sum();
    Console.WriteLine($"| {name} | {weights.Length} | {threads} | {elapsed * 1e9 * threads / total:0.0} | {total / elapsed / 1e6:0.00} | {(double)allocated.Sum() / total:0.00} |");
}
