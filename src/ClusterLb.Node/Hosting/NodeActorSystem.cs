using System.Globalization;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Hosting.Logging;
using Microsoft.Extensions.Logging;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ClusterLb.Node.Hosting;

/// <summary>
/// Starts a node's Akka.NET actor system: ClusterLb's configuration mapped onto Akka's keys, Akka's logging bridged
/// into Microsoft.Extensions.Logging, and the node joined to its cluster (a node without seeds joins itself).
/// </summary>
internal static class NodeActorSystem
{
    /// <summary>Creates the system and starts the join.</summary>
    /// <exception cref="NodeStartException">The cluster port is taken or the configuration is refused.</exception>
    public static ActorSystem Start(NodeSettings settings, ILoggerFactory loggerFactory)
    {
        var config = AkkaConfig(settings);
        var setup = BootstrapSetup.Create().WithConfig(config).And(new LoggerFactorySetup(loggerFactory));
        ActorSystem system;
        try
        {
            system = ActorSystem.Create("clusterlb", setup);
        }
        catch (Exception ex) when (ex is ConfigurationException or ArgumentException or System.Net.Sockets.SocketException or AggregateException)
        {
            throw new NodeStartException($"cannot start the cluster node (clusterlb.cluster): {ex.GetBaseException().Message}", ex);
        }
        var cluster = AkkaCluster.Get(system);
        if (cluster.Settings.SeedNodes.Count == 0)
        {
            cluster.Join(cluster.SelfAddress);
        }
        return system;
    }

    // TEMPORARY: the minimal mapping until the HOCON -> Akka builder (ClusterLb.Runtime.Hosting) lands.
    private static Config AkkaConfig(NodeSettings settings)
    {
        var c = settings.Config;
        var port = c?.GetInt("clusterlb.cluster.port", 4053) ?? 0;
        var host = c?.GetString("clusterlb.cluster.hostname", c.GetString("clusterlb.remote.hostname", "127.0.0.1")) ?? "127.0.0.1";
        var seeds = c is not null && c.HasPath("clusterlb.cluster.seed-nodes")
            ? c.GetStringList("clusterlb.cluster.seed-nodes").Select(s => s.Replace("clb://", "akka.tcp://", StringComparison.Ordinal)).ToList()
            : [];
        var unbind = (settings.Proxy.DrainTimeout + TimeSpan.FromSeconds(5)).TotalSeconds.ToString(CultureInfo.InvariantCulture);
        var text = $$"""
            akka {
              loglevel = INFO
              loggers = ["Akka.Hosting.Logging.LoggerFactoryLogger, Akka.Hosting"]
              actor.provider = cluster
              remote.dot-netty.tcp { hostname = "{{host}}", port = {{port}} }
              cluster {
                seed-nodes = [{{string.Join(", ", seeds.Select(s => "\"" + s + "\""))}}]
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver.active-strategy = keep-majority
                run-coordinated-shutdown-when-down = on
                distributed-data.durable.keys = []
              }
              coordinated-shutdown.phases.service-unbind.timeout = {{unbind}}s
            }
            """;
        var mapped = ConfigurationFactory.ParseString(text);
        return c is not null && c.HasPath("akka")
            ? ConfigurationFactory.ParseString("{\"akka\": " + c.GetConfig("akka").ToJson(indented: false) + "}").WithFallback(mapped)
            : mapped;
    }
}
