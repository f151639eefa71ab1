using Akka.Actor;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;
using ClusterLb.Runtime.Logging;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Runtime.Discovery;

/// <summary>
/// The cluster's one discovery runner (a cluster singleton, on the oldest node): one <see cref="PoolDiscoveryActor"/>
/// per configured pool with a <c>discovery</c> block. One node asks each source, and every node gets the answer
/// through the registry; when that node leaves, the singleton starts on the next oldest.
/// </summary>
public sealed class DiscoveryCoordinatorActor : ReceiveActor
{
    /// <summary>Use <see cref="Props"/>.</summary>
    public DiscoveryCoordinatorActor(BalancingSettings balancing, IRegistryAdmin registry)
    {
        var log = Context.System.Logger<DiscoveryCoordinatorActor>();
        foreach (var pool in DiscoveredPools(balancing))
        {
            Context.ActorOf(PoolDiscoveryActor.Props(pool.Id, pool.Discovery!, registry, PoolDiscoveryActor.SourceFor(pool.Id, pool.Discovery!)), $"pool-{pool.Id}");
            log.DiscoveryStarted(pool.Id, pool.Discovery!.Type, pool.Discovery.Summary);
        }
        // A backend that drains (ClusterLb.Backend) tells the singleton; the akka-cluster sources that know it answer.
        Receive<Backend.Wire.BackendEndpoint>(endpoint => Context.ActorSelection("*/" + HostSources.AkkaCluster).Tell(endpoint, Sender));
    }

    /// <summary>Props of the singleton.</summary>
    public static Props Props(BalancingSettings balancing, IRegistryAdmin registry) =>
        Akka.Actor.Props.Create(() => new DiscoveryCoordinatorActor(balancing, registry));

    /// <summary>The pools of <paramref name="balancing"/> that have a discovery block.</summary>
    public static IEnumerable<PoolSettings> DiscoveredPools(BalancingSettings balancing) =>
        balancing.Services.SelectMany(s => s.Pools).Where(p => p.Discovery is not null);
}
