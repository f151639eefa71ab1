using System.Collections.Immutable;
using Akka.Actor;
using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Runtime.Balancing;
using ClusterLb.Runtime.Registry;
using ClusterLb.Runtime.Tests.Support;

namespace ClusterLb.Runtime.Tests.Balancing;

/// <summary>
/// One self-joined node running the balancer for a service <c>web</c>, with scripted probes (no sockets), so the
/// tests pin the actor protocol: a health change in a checker, a new routing snapshot out of the router.
/// </summary>
public abstract class BalancingTestKit : ClusterTestKit
{
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly HttpMessageInvoker _client;

    protected BalancingTestKit()
    {
        _client = new HttpMessageInvoker(Probes);
    }

    protected ScriptedProbes Probes { get; } = new();

    protected static PoolSettings Pool(string id, int priority, HealthCheckSettings checks, PassiveHealthSettings? passive = null, params string[] hosts) =>
        new(id, BalancingMethod.RoundRobin, priority,
            hosts.Select(h => new HostSettings(h, new Uri($"http://{h}.test"))).ToImmutableArray(),
            checks, passive ?? PassiveHealthSettings.Default);

    protected static HealthCheckSettings Checks(int rise = 2, int fall = 2) =>
        HealthCheckSettings.Default with { Interval = TimeSpan.FromMilliseconds(20), Rise = rise, Fall = fall };

    /// <summary>Starts the balancer and returns once the service's first snapshot is published.</summary>
    protected async Task<(IActorRef Balancer, RouteHandle Handle)> StartAsync(params PoolSettings[] pools)
    {
        var settings = new BalancingSettings([new ServiceSettings("web", ServiceMatch.Any, [.. pools])]).Validate();
        var handles = BalancerActor.CreateHandles(settings);
        var balancer = Sys.ActorOf(BalancerActor.Props(settings, handles, new HealthProbeClients(_client), RegistryReplica.Of(Sys), new RegistrySettings()), BalancerActor.Name);
        await handles["web"].FirstPublished.WaitAsync(Deadline);
        return (balancer, handles["web"]);
    }

    /// <summary>A probe that receives every <see cref="HostHealthChanged"/> the checkers publish.</summary>
    protected Akka.TestKit.TestProbe HealthEvents()
    {
        var probe = CreateTestProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(HostHealthChanged));
        return probe;
    }

    protected static HostHealthChanged ExpectHealth(Akka.TestKit.TestProbe events, string host, HostHealth health) =>
        events.ExpectMsg<HostHealthChanged>(c => c.HostId == host && c.Health == health, Deadline);

    protected static string[] Healthy(RouteHandle handle) =>
        handle.Snapshot.Pools.SelectMany(p => p.Healthy).Select(h => h.Id).ToArray();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _client.Dispose();
        }
    }
}
