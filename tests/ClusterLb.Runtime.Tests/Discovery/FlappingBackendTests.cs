using Akka.Actor;
using Akka.Cluster;
using ClusterLb.Backend;
using ClusterLb.Balancing.Discovery;
using ClusterLb.Balancing.Settings;
using ClusterLb.Runtime.Discovery;
using ClusterLb.Runtime.Tests.Registry;
using ClusterLb.Runtime.Tests.Support;
using Xunit.Abstractions;

namespace ClusterLb.Runtime.Tests.Discovery;

/// <summary>
/// akka-cluster discovery against real backend members (actor systems on loopback) that join and leave every second:
/// the pool follows them, and the registry sees at most one write per pool per write interval.
/// </summary>
public sealed class FlappingBackendTests(ITestOutputHelper output) : RegistryTestKit("""
    akka.cluster.roles = ["clusterlb"]
    akka.cluster.distributed-data.role = "clusterlb"
    """)
{
    private static readonly TimeSpan WriteInterval = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Backends_joining_and_leaving_every_second_are_followed_with_a_bounded_registry_write_rate()
    {
        var node = await StartBalancerAsync(Sys);
        var discovered = new BalancingSettings([
            new ServiceSettings("web", ServiceMatch.Any, [
                Config.Services[0].Pools[0] with
                {
                    Discovery = new AkkaClusterDiscoverySettings("backend:web", TimeSpan.FromSeconds(5)) { WriteInterval = WriteInterval },
                },
            ]),
        ]);
        DiscoverySingleton.Start(Sys, discovered, node.Admin);

        var steady = await JoinBackendAsync(9000);
        await AwaitConditionAsync(async () => (await DiscoveredAsync(node)).SequenceEqual(["127.0.0.1-9000"]), Deadline, ClusterSystems.PollInterval, "the steady backend in pool main");

        // For 10 s, each second one backend starts to join and the one before it leaves: a member joining and one
        // leaving every second, without waiting for either to finish.
        var before = (await node.Admin.GetStatusAsync(None)).Version;
        var started = DateTime.UtcNow;
        var flapping = new List<ActorSystem>();
        var leaving = new List<Task>();
        for (var i = 1; i <= 10; i++)
        {
            var tick = Task.Delay(TimeSpan.FromSeconds(1));
            flapping.Add(StartBackend(9000 + i));
            if (i >= 2)
            {
                leaving.Add(LeaveAsync(flapping[i - 2]));
            }
            await tick;
        }
        await Task.WhenAll(leaving);
        var flapped = DateTime.UtcNow - started;
        await AwaitConditionAsync(async () => (await DiscoveredAsync(node)).SequenceEqual(["127.0.0.1-9000", "127.0.0.1-9010"]), Deadline, ClusterSystems.PollInterval,
            "pool main to hold the steady backend and the last one that joined");
        var writes = (await node.Admin.GetStatusAsync(None)).Version - before;
        var elapsed = DateTime.UtcNow - started;

        // One write per window at most, plus the one already pending when the flapping started.
        var bound = (long)Math.Ceiling(elapsed / WriteInterval) + 1;
        output.WriteLine($"FLAPPING: 10 joins and 9 leaves started over {flapped.TotalSeconds:0.0} s (each membership change: join, leaving, removed); {writes} registry writes until settled at {elapsed.TotalSeconds:0.0} s (bound {bound}: one per {WriteInterval.TotalSeconds:0} s window)");
        Assert.InRange(writes, 1, bound);
        await Cluster.Get(steady).LeaveAsync();
    }

    private ActorSystem StartBackend(int port)
    {
        var backend = StartNode("""akka.cluster.roles = ["backend:web"]""");
        ClusterLbBackend.Start(backend, new ClusterLbBackendOptions { Url = new Uri($"http://127.0.0.1:{port}"), DrainDelay = TimeSpan.Zero });
        Cluster.Get(backend).Join(Cluster.Get(Sys).SelfAddress);
        return backend;
    }

    private async Task<ActorSystem> JoinBackendAsync(int port)
    {
        var backend = StartBackend(port);
        await AwaitConditionAsync(() => Cluster.Get(backend).SelfMember.Status == MemberStatus.Up, Deadline, ClusterSystems.PollInterval, $"backend {port} to be Up");
        return backend;
    }

    // A member still joining leaves once it is Up (Akka cannot take a Leave before the join).
    private async Task LeaveAsync(ActorSystem backend)
    {
        await AwaitConditionAsync(() => Cluster.Get(backend).SelfMember.Status == MemberStatus.Up, Deadline, ClusterSystems.PollInterval, "a flapping backend to be Up before it leaves");
        await Cluster.Get(backend).LeaveAsync().WaitAsync(Deadline);
        await backend.Terminate();
    }

    private static async Task<string[]> DiscoveredAsync(RegistryNode node) =>
        [.. (await node.Admin.GetPoolAsync("main", None))!.Hosts.Where(h => h.Spec.IsDiscovered && h.Spec.State == ClusterLb.Balancing.Registry.HostAdminState.Up).Select(h => h.Spec.Id).Order(StringComparer.Ordinal)];
}
