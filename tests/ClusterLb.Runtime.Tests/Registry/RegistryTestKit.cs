using Akka.Actor;
using Akka.Cluster;
using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Runtime.Balancing;
using ClusterLb.Runtime.Registry;
using ClusterLb.Runtime.Tests.Support;

namespace ClusterLb.Runtime.Tests.Registry;

/// <summary>
/// Registry nodes on real cluster members: each its own actor system, replicator, balancer and admin, every one
/// configured with the service <c>web</c> whose pool <c>main</c> holds hosts a and b. Probes always answer 200.
/// </summary>
public abstract class RegistryTestKit(string extraHocon = "") : ClusterTestKit(extraHocon)
{
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    protected static readonly CancellationToken None = CancellationToken.None;

    protected static readonly BalancingSettings Config = new BalancingSettings([
        new ServiceSettings("web", ServiceMatch.Any, [
            new PoolSettings("main", BalancingMethod.RoundRobin, 0,
                [new HostSettings("a", new Uri("http://a.test")), new HostSettings("b", new Uri("http://b.test"))],
                HealthCheckSettings.Default with { Interval = TimeSpan.FromMilliseconds(50) }, PassiveHealthSettings.Default)]),
    ]).Validate();

    private readonly HttpMessageInvoker _probes = new(new ScriptedProbes());

    /// <summary>Starts the balancer on <paramref name="system"/> and returns once its router has published.</summary>
    protected async Task<RegistryNode> StartBalancerAsync(ActorSystem system, TimeSpan? writeTimeout = null)
    {
        var settings = new RegistrySettings { WriteTimeout = writeTimeout ?? TimeSpan.FromSeconds(3), SeedReadTimeout = TimeSpan.FromSeconds(1) };
        var replica = RegistryReplica.Of(system);
        var handles = BalancerActor.CreateHandles(Config);
        var balancer = system.ActorOf(BalancerActor.Props(Config, handles, new HealthProbeClients(_probes), replica, settings), BalancerActor.Name);
        await handles["web"].FirstPublished.WaitAsync(Deadline);
        return new RegistryNode(system, replica, handles["web"], new RegistryAdmin(replica, Config, settings, balancer));
    }

    protected static string Address(ActorSystem system) => Cluster.Get(system).SelfAddress.ToString();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _probes.Dispose();
        }
    }
}

/// <summary>One node's registry side as a test drives it.</summary>
public sealed record RegistryNode(ActorSystem System, RegistryReplica Replica, RouteHandle Web, RegistryAdmin Admin)
{
    /// <summary>The hosts the node's router has in rotation, in snapshot order.</summary>
    public string[] Routed() => Web.Snapshot.Pools.SelectMany(p => p.Healthy).Select(h => h.Id).ToArray();

    public override string ToString() => Replica.Node;
}
