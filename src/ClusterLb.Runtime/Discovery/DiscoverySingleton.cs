using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Runtime.Discovery;

/// <summary>Starts <see cref="DiscoveryCoordinatorActor"/> as a cluster singleton (Akka.Cluster.Tools).</summary>
public static class DiscoverySingleton
{
    /// <summary>Name of the singleton manager under <c>/user</c> (backends address it: <see cref="Backend.BackendContract.DiscoveryManagerPath"/>).</summary>
    public const string Name = "discovery";

    /// <summary>Starts this node's singleton manager when any pool discovers its hosts; null when none does.</summary>
    public static IActorRef? Start(ActorSystem system, BalancingSettings balancing, IRegistryAdmin registry)
    {
        if (!DiscoveryCoordinatorActor.DiscoveredPools(balancing).Any())
        {
            return null;
        }
        var props = ClusterSingletonManager.Props(
            DiscoveryCoordinatorActor.Props(balancing, registry),
            PoisonPill.Instance,
            ClusterSingletonManagerSettings.Create(system).WithRole(Backend.BackendContract.LoadBalancerRole));
        return system.ActorOf(props, Name);
    }
}
