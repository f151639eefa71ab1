using Akka.Actor;
using Akka.Management;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Dsl;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// Starts a node's way into its cluster once its actor system runs, as <see cref="AkkaNodeSetup.JoinMethod"/> says.
/// With seed nodes Akka joins them by itself; without seeds the node joins itself (a one-member cluster). With a
/// bootstrap method, Akka.Management's Cluster Bootstrap runs unchanged (discovery, probing the contact points,
/// the join decision), except that the node serves the contact-point route itself (<see cref="BootstrapSeedNodes"/>):
/// Akka.Management's own HTTP server (Akka.Http.Shim on Ceen.Httpd) cannot start here, because the only Ceen.Httpd
/// served (0.9.10) changed <c>HttpServer.ListenAsync</c>'s signature and Akka.Http.Shim 1.5.73 fails with
/// MissingMethodException.
/// </summary>
public static class ClusterJoin
{
    /// <summary>For <see cref="ClusterJoinMethod.Seeds"/>: a node without seeds joins itself; with seeds Akka joins them.</summary>
    public static void JoinSeedsOrSelf(ActorSystem system, AkkaNodeSetup node)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(node);
        if (node.JoinMethod != ClusterJoinMethod.Seeds)
        {
            throw new InvalidOperationException($"this node joins through Cluster Bootstrap ({node.JoinMethod}): use {nameof(StartBootstrapAsync)}");
        }
        if (!node.HasSeeds)
        {
            var cluster = AkkaCluster.Get(system);
            cluster.Join(cluster.SelfAddress);
        }
    }

    /// <summary>Where the management endpoint binds and what it advertises (<c>akka.management.http</c>, as Akka reads it).</summary>
    public static ManagementEndpoint Management(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        var http = AkkaManagementSettings.Create(system.Settings.Config).Http;
        return new ManagementEndpoint(http.Hostname, http.Port, http.EffectiveBindHostname, http.EffectiveBindPort);
    }

    /// <summary>
    /// Starts Cluster Bootstrap. Call it once this node answers <see cref="BootstrapSeedNodes.Path"/> on
    /// <see cref="Management"/>'s bind address: the other nodes probe it, and so does this one.
    /// </summary>
    /// <returns>Completes once bootstrap is under way (not when the node is Up).</returns>
    public static Task StartBootstrapAsync(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        var endpoint = Management(system);
        var bootstrap = ClusterBootstrap.Get(system);
        // Handing the routes to a host is how Akka.Management learns the node's own contact point (it matches
        // itself among the discovered ones by host and port); the routes themselves need Ceen, so they are not used.
        _ = bootstrap.Routes(ManagementRouteProviderSettings.Create(endpoint.SelfUri, readOnly: true));
        return bootstrap.Start();
    }
}

/// <summary>The management endpoint of a bootstrapping node.</summary>
/// <param name="Hostname">The host other nodes reach it by: the address discovery returns for this node.</param>
/// <param name="Port">The port other nodes reach it on.</param>
/// <param name="BindHostname">The address it binds.</param>
/// <param name="BindPort">The port it binds.</param>
public sealed record ManagementEndpoint(string Hostname, int Port, string BindHostname, int BindPort)
{
    /// <summary>The base URI other nodes probe (<c>http://host:port/</c>).</summary>
    public Uri SelfUri => new UriBuilder(Uri.UriSchemeHttp, Hostname, Port).Uri;
}
