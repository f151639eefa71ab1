using System.Diagnostics;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Forwarding;

// What choosing a pool's forwarding client costs per request: UpstreamClients.For(host), as ProxyRequestHandler
// calls it before every attempt. Three cases: no pool has settings of its own (the table is empty, so the lookup is
// skipped), the host's pool has its own client (a hit), and other pools have their own but not this host's (a miss).
// Prints a Markdown table. Usage: [seconds-per-row]
var seconds = args.Length > 0 ? double.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1.0;
Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {seconds:0.##} s per row");
Console.WriteLine();
Console.WriteLine("| case | pools with their own client | ns/op | bytes/op |");
Console.WriteLine("|---|---|---|---|");

var own = UpstreamConnectionSettings.Default with { Keepalive = new KeepaliveSettings(64, null) };
Run("no pool has its own client", 0, own, hostInOwnPool: false, seconds);
Run("the host's pool has its own client", 1, own, hostInOwnPool: true, seconds);
Run("the host's pool has its own client", 8, own, hostInOwnPool: true, seconds);
Run("other pools have their own, this one shares", 8, own, hostInOwnPool: false, seconds);

static void Run(string name, int ownPools, UpstreamConnectionSettings own, bool hostInOwnPool, double seconds)
{
    var pools = new List<PoolSettings>();
    for (var i = 0; i < ownPools; i++)
    {
        pools.Add(Pool($"pool-{i}") with { Connection = own });
    }
    pools.Add(Pool("shared"));
    var balancing = new BalancingSettings([new ServiceSettings("web", ServiceMatch.Any, [.. pools])]);
    using var clients = UpstreamClients.Create(UpstreamSettings.Default, balancing, preserveHost: false);
    var host = new UpstreamHost("web", hostInOwnPool ? $"pool-{ownPools - 1}" : "shared",
        new HostSettings("h1", new Uri("http://127.0.0.1:1")), PassiveHealthSettings.Default, NullOutcomeSink.Instance);

    // Warm up (tiered compilation and PGO), then count what a timed run allocates and how long each call takes.
    Loop(clients, host, 5_000_000);
    var before = GC.GetAllocatedBytesForCurrentThread();
    var calls = 0L;
    var started = Stopwatch.GetTimestamp();
    var stop = started + (long)(seconds * Stopwatch.Frequency);
    while (Stopwatch.GetTimestamp() < stop)
    {
        Loop(clients, host, 100_000);
        calls += 100_000;
    }
    var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
    var bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / calls;
    Console.WriteLine($"| {name} | {ownPools} | {elapsed * 1e9 / calls:0.0} | {bytes:0} |");
}

static void Loop(UpstreamClients clients, UpstreamHost host, int count)
{
    PoolClient? last = null;
    for (var i = 0; i < count; i++)
    {
        last = clients.For(host);
    }
    GC.KeepAlive(last);
}

static PoolSettings Pool(string id) =>
    new(id, BalancingMethod.RoundRobin, 0, [new HostSettings("h1", new Uri("http://127.0.0.1:1"))], HealthCheckSettings.Default, PassiveHealthSettings.Default);
