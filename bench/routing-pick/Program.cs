using System.Collections.Immutable;
using System.Diagnostics;
using System.Net;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;

// The routing cost the request path adds on top of YARP: RouteHandle.Pick(in PickContext) + RouteHandle.Complete
// against a published snapshot, per method, pool size and thread count, with the production policies
// (BalancingPolicies.For). The hash rows include hashing the key (a 12-character header value for hash, the
// client's IPv4 address bytes for ip-hash), as the proxy does per request. Prints a Markdown table.
// Usage: [seconds-per-row] [method-name filter]
var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1.0;
var only = args.Length > 1 ? args[1] : null;
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds:0.##} s per row");
Console.WriteLine();
Console.WriteLine("| method | weights | held in flight | hosts | threads | ns/op (per thread) | Mops/s (total) | bytes/op |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
// "held in flight" = requests picked before the run and never completed, per host: the load-aware methods then
// cannot stop at the first idle host and compare every candidate they look at.
// "hash-balance-factor" 1.25 = bounded loads, which sums the pool's in-flight counts per pick.
var rows = new (string Name, BalancingMethod Method, bool Weighted, int Held, double Factor)[]
{
    ("round-robin", BalancingMethod.RoundRobin, false, 0, 0),
    ("round-robin", BalancingMethod.RoundRobin, true, 0, 0),
    ("random", BalancingMethod.Random, true, 0, 0),
    ("least-request", BalancingMethod.LeastRequest, false, 0, 0),
    ("least-request", BalancingMethod.LeastRequest, false, 4, 0),
    ("p2c", BalancingMethod.PowerOfTwoChoices, false, 0, 0),
    ("p2c", BalancingMethod.PowerOfTwoChoices, false, 4, 0),
    ("peak-ewma", BalancingMethod.PeakEwma, false, 0, 0),
    ("peak-ewma", BalancingMethod.PeakEwma, false, 4, 0),
    ("hash", BalancingMethod.Hash, false, 0, 0),
    ("hash", BalancingMethod.Hash, false, 4, 1.25),
    ("ip-hash", BalancingMethod.IpHash, false, 0, 0),
};
foreach (var (name, method, weighted, held, factor) in rows.Where(r => only is null || r.Name == only))
{
    foreach (var hosts in new[] { 3, 32 })
    {
        foreach (var threads in new[] { 1, 2 })
        {
            Run(factor > 0 ? $"{name}, factor {factor}" : name, method, weighted, held, factor, hosts, threads, seconds);
        }
    }
}

static void Run(string name, BalancingMethod method, bool weighted, int held, double factor, int hostCount, int threads, double seconds)
{
    var settings = Enumerable.Range(0, hostCount)
        .Select(i => new HostSettings($"h{i}", new Uri($"http://10.0.{i / 250}.{(i % 250) + 1}:80"), weighted ? (i % 5) + 1 : 1))
        .ToImmutableArray();
    var pool = new PoolSettings("p", method, 0, settings, HealthCheckSettings.Default, PassiveHealthSettings.Default)
    {
        Options = BalancingOptions.Default with
        {
            HashKey = method == BalancingMethod.Hash ? HashKey.Parse("header:X-User") : null,
            HashBalanceFactor = factor,
        },
    };
    var hosts = settings.Select(h => new UpstreamHost("svc", "p", h, PassiveHealthSettings.Default, NullOutcomeSink.Instance)).ToImmutableArray();
    var handle = new RouteHandle("svc");
    handle.Publish(new RoutingSnapshot("svc", 1, [new PoolRoute("p", 0, BalancingPolicies.For(pool), hosts, hosts)]));
    var outcome = new RequestOutcome(200, TimeSpan.FromMilliseconds(1), false);
    var userKeys = Enumerable.Range(0, 1024).Select(i => $"user-{i:D7}").ToArray();
    var clientIps = Enumerable.Range(0, 1024).Select(i => IPAddress.Parse($"192.168.{i / 256}.{i % 256}").GetAddressBytes()).ToArray();

    void Batch(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var context = method switch
            {
                BalancingMethod.Hash => new PickContext(StableHash.Of(userKeys[i & 1023]), true),
                BalancingMethod.IpHash => new PickContext(StableHash.Of(clientIps[i & 1023].AsSpan()), true),
                _ => default,
            };
            RouteHandle.Complete(handle.Pick(context)!, outcome);
        }
    }

    for (var i = 0; i < held * hostCount; i++)
    {
        handle.Pick();
    }
    Batch(200_000);

    var ops = new long[threads];
    var allocated = new long[threads];
    var stop = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
    var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
    {
        Batch(10_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        long n = 0;
        while (Stopwatch.GetTimestamp() < stop)
        {
            Batch(1024);
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
    var weights = weighted ? "1-5" : "equal";
    Console.WriteLine($"| {name} | {weights} | {held} | {hostCount} | {threads} | {elapsed * 1e9 * threads / total:0.0} | {total / elapsed / 1e6:0.00} | {(double)allocated.Sum() / total:0.00} |");
}
