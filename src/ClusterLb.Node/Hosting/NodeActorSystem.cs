using System.Globalization;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.DistributedData;
using ClusterLb.Hocon;
using ClusterLb.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Node.Hosting;

/// <summary>
/// Starts a node's Akka.NET actor system: ClusterLb's configuration mapped onto Akka's keys
/// (<see cref="AkkaNodeConfig"/>), Akka's logging bridged into Microsoft.Extensions.Logging, the cluster
/// extensions the node uses started with the system, and the node joined to its cluster (<see cref="ClusterJoin"/>:
/// through its seeds, itself when it has none, or Akka.Management's Cluster Bootstrap behind the node's management
/// endpoint, <see cref="ManagementListener"/>).
/// </summary>
internal static class NodeActorSystem
{
    private const string UnbindTimeoutKey = "clusterlb.actor.coordinated-shutdown.phases.service-unbind.timeout";

    /// <summary>Creates the system and starts the join (through the seeds, itself, or Cluster Bootstrap).</summary>
    /// <param name="settings">The node's settings; their <see cref="NodeSettings.Config"/> is mapped onto Akka's.</param>
    /// <param name="loggerFactory">Where Akka's log goes.</param>
    /// <exception cref="NodeStartException">The configuration or the certificates are refused, or the cluster or management port is taken.</exception>
    public static async Task<ActorSystem> StartAsync(NodeSettings settings, ILoggerFactory loggerFactory)
    {
        AkkaNodeSetup node;
        try
        {
            node = AkkaNodeConfig.Build(ClusterLbConfig(settings), settings.DataDirectory, loggerFactory);
        }
        catch (HoconException ex)
        {
            throw new NodeStartException(ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw new NodeStartException($"cannot open the sqlite journal: {ex.Message}", ex);
        }
        ActorSystem system;
        try
        {
            system = ActorSystem.Create(node.SystemName, node.Setup);
        }
        catch (Exception ex) when (ex is Akka.Configuration.ConfigurationException or ArgumentException or System.Net.Sockets.SocketException or AggregateException or InvalidOperationException)
        {
            throw new NodeStartException($"cannot start the cluster node (clusterlb.cluster): {ex.GetBaseException().Message}", ex);
        }
        try
        {
            // Started before the join: a peer's replicator and mediator gossip may arrive as soon as this node is a
            // member, and an extension that is not running yet cannot take it.
            _ = DistributedData.Get(system);
            _ = DistributedPubSub.Get(system);
        }
        catch (Exception ex) when (ex is ArgumentException or Akka.Configuration.ConfigurationException or TypeLoadException)
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(10));
            throw new NodeStartException($"cannot start distributed data (akka.cluster.distributed-data): {ex.GetBaseException().Message}", ex);
        }
        if (node.JoinMethod == ClusterJoinMethod.Seeds)
        {
            ClusterJoin.JoinSeedsOrSelf(system, node);
            return system;
        }
        try
        {
            // Contact point first: bootstrap probes every contact point, this node's own included.
            await ManagementListener.StartAsync(system, loggerFactory).ConfigureAwait(false);
            await ClusterJoin.StartBootstrapAsync(system).ConfigureAwait(false);
        }
        catch (NodeStartException)
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            throw;
        }
        return system;
    }

    /// <summary>
    /// The node's ClusterLb configuration, with the <c>service-unbind</c> phase long enough for the whole drain
    /// (drain timeout plus a margin to close sockets) unless configured longer. Code-built settings (no file) get
    /// the defaults with a free loopback cluster port.
    /// </summary>
    private static Config ClusterLbConfig(NodeSettings settings)
    {
        var config = settings.Config ?? ConfigFactory.ParseString("clusterlb.cluster { hostname = \"127.0.0.1\", port = 0 }")
            .WithFallback(ClusterLbConfigLoader.Load(null, useEnvironment: false))
            .Resolve();
        var unbind = settings.Proxy.DrainTimeout + TimeSpan.FromSeconds(5);
        if (config.GetDuration(UnbindTimeoutKey, TimeSpan.Zero) >= unbind)
        {
            return config;
        }
        var millis = ((long)Math.Ceiling(unbind.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        return ConfigFactory.ParseString($"{UnbindTimeoutKey} = {millis}ms").WithFallback(config).Resolve();
    }
}
