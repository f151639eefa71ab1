using Akka.Actor;
using Akka.Management.Dsl;
using Akka.Management.Cluster.Bootstrap;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// Starts a node's way into its cluster once its actor system runs, as <see cref="AkkaNodeSetup.JoinMethod"/> says:
/// with seed nodes Akka joins them by itself; without seeds the node joins itself (a one-member cluster); with a
/// bootstrap method the Akka.Management HTTP endpoint is bound and Cluster Bootstrap starts, which joins an existing
/// cluster a contact point reports, or lets the lowest-addressed contact point form a new one.
/// </summary>
public static class ClusterJoin
{
    /// <summary>Starts the join; returns once it is under way (not when the node is Up).</summary>
    /// <param name="system">The node's actor system, created from <paramref name="node"/>'s setup.</param>
    /// <param name="node">What <see cref="AkkaNodeConfig.Build"/> returned.</param>
    /// <exception cref="InvalidOperationException">The management endpoint could not bind (the message says where).</exception>
    public static async Task StartAsync(ActorSystem system, AkkaNodeSetup node)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(node);
        if (node.JoinMethod == ClusterJoinMethod.Seeds)
        {
            if (!node.HasSeeds)
            {
                var cluster = AkkaCluster.Get(system);
                cluster.Join(cluster.SelfAddress);
            }
            return;
        }

        var management = AkkaManagement.Get(system);
        var http = management.Settings.Http;
        try
        {
            await management.Start().ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidOperationException(
                $"cannot bind the management endpoint {http.EffectiveBindHostname}:{http.EffectiveBindPort} (clusterlb.cluster.management): {ex.GetBaseException().Message}", ex);
        }
        await ClusterBootstrap.Get(system).Start().ConfigureAwait(false);
    }
}
