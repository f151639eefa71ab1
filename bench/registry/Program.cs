using System.Diagnostics;
using System.Net;
using ClusterLb.Actors;
using ClusterLb.Balancing.Actors;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Replication;

// How long an admin write takes and when routers see it: one node alone, and two nodes whose replicators are
// linked in-process (no sockets, so transport cost is not included). Replicator timings are the defaults
// (delta propagation 200 ms, subscriber notification 500 ms). Usage: bench/registry/run.sh [changes]
var changes = args.Length > 0 ? int.Parse(args[0]) : 20;
var config = new BalancingSettings([
    new ServiceSettings("web", ServiceMatch.Any, [
        new PoolSettings("main", BalancingMethod.RoundRobin, 0,
            [new HostSettings("a", new Uri("http://a.test")), new HostSettings("b", new Uri("http://b.test"))],
            HealthCheckSettings.Default, PassiveHealthSettings.Default)]),
]).Validate();
using var probes = new HttpMessageInvoker(new AlwaysHealthy());

var n1 = await Node.StartAsync("n1", config, probes);
var single = await Measure(n1, n1, changes);
var n2 = Node.Create("n2");
n1.Join(n2);
await n2.StartBalancerAsync(config, probes);
var pair = await Measure(n1, n2, changes);
await n1.System.Terminate();
await n2.System.Terminate();

Console.WriteLine($"{changes} weight changes (UpdateHost), each awaited before the next");
Console.WriteLine("| setup | write (ms) p50 / p95 / max | visible in writer's routing (ms) p50 / p95 / max | visible in other node's routing (ms) p50 / p95 / max |");
Console.WriteLine("|---|---|---|---|");
Console.WriteLine($"| 1 node (WriteMajority = local) | {single.Write} | {single.Local} | - |");
Console.WriteLine($"| 2 nodes (WriteMajority = both) | {pair.Write} | {pair.Local} | {pair.Remote} |");

static async Task<(string Write, string Local, string Remote)> Measure(Node writer, Node reader, int changes)
{
    var write = new List<double>();
    var local = new List<double>();
    var remote = new List<double>();
    for (var i = 0; i < changes; i++)
    {
        var weight = 2 + (i % 50);
        var clock = Stopwatch.StartNew();
        var result = await writer.Admin.ApplyAsync(new UpdateHost("main", "b", weight), CancellationToken.None);
        if (result.Status != RegistryWriteStatus.Applied)
        {
            throw new InvalidOperationException(result.Reason);
        }
        write.Add(clock.Elapsed.TotalMilliseconds);
        await Until(() => writer.Weight("b") == weight);
        local.Add(clock.Elapsed.TotalMilliseconds);
        await Until(() => reader.Weight("b") == weight);
        remote.Add(clock.Elapsed.TotalMilliseconds);
    }
    return (Summary(write), Summary(local), Summary(remote));
}

static async Task Until(Func<bool> condition)
{
    var deadline = Stopwatch.StartNew();
    while (!condition())
    {
        if (deadline.Elapsed > TimeSpan.FromSeconds(30))
        {
            throw new TimeoutException("change not visible within 30 s");
        }
        await Task.Delay(1);
    }
}

static string Summary(List<double> values)
{
    var sorted = values.Order().ToList();
    double At(double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
    return $"{At(0.5):0.0} / {At(0.95):0.0} / {sorted[^1]:0.0}";
}

internal sealed class Node(string name, ActorSystem system, RegistryReplica replica)
{
    public ActorSystem System { get; } = system;

    public RegistryReplica Replica { get; } = replica;

    public RegistryAdmin Admin { get; private set; } = null!;

    public IReadOnlyDictionary<string, RouteHandle> Handles { get; private set; } = null!;

    public static Node Create(string name)
    {
        var system = ActorSystem.Create(name);
        var id = new ReplicaId($"clb://{name}@127.0.0.1:1", 1);
        var replicator = system.ActorOf(Replicator.Props(id, new ReplicatorSettings(), null), "replicator");
        return new Node(name, system, new RegistryReplica(replicator, id, name));
    }

    public static async Task<Node> StartAsync(string name, BalancingSettings config, HttpMessageInvoker probes)
    {
        var node = Create(name);
        await node.StartBalancerAsync(config, probes);
        return node;
    }

    public async Task StartBalancerAsync(BalancingSettings config, HttpMessageInvoker probes)
    {
        Handles = BalancerActor.CreateHandles(config);
        var settings = new RegistrySettings();
        var balancer = System.ActorOf(BalancerActor.Props(config, Handles, probes, Replica, settings), BalancerActor.Name);
        Admin = new RegistryAdmin(Replica, config, settings, balancer);
        await Handles["web"].FirstPublished.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public void Join(Node other)
    {
        Replica.Replicator.Tell(new ReplicaJoined(other.Replica.Self, other.Replica.Replicator));
        other.Replica.Replicator.Tell(new ReplicaJoined(Replica.Self, Replica.Replicator));
    }

    public int Weight(string host) =>
        Handles["web"].Snapshot.Pools.SelectMany(p => p.All).FirstOrDefault(h => h.Id == host)?.Weight ?? 0;

    public override string ToString() => name;
}

internal sealed class AlwaysHealthy : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
}
