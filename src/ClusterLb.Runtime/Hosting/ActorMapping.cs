using ClusterLb.Hocon;

namespace ClusterLb.Runtime.Hosting;

/// <summary><c>clusterlb.actor.*</c> onto Akka's dispatcher, logging and CoordinatedShutdown keys.</summary>
internal static class ActorMapping
{
    /// <summary>Akka's CoordinatedShutdown phases (akka.conf), the only names <c>phases</c> may list.</summary>
    public static readonly IReadOnlyList<string> Phases =
    [
        "before-service-unbind", "service-unbind", "service-requests-done", "service-stop", "before-cluster-shutdown",
        "cluster-sharding-shutdown-region", "cluster-leave", "cluster-exiting", "cluster-exiting-done", "cluster-shutdown",
        "before-actor-system-terminate", "actor-system-terminate",
    ];

    /// <summary>The logger actor that forwards Akka's log events to Microsoft.Extensions.Logging (Akka.Hosting).</summary>
    public const string LoggerFactoryLogger = "Akka.Hosting.Logging.LoggerFactoryLogger, Akka.Hosting";

    public static void Map(Config config, AkkaConfigTree tree, bool useLoggerFactory)
    {
        var actor = config.GetConfig("clusterlb.actor", Config.Empty);
        var m = new KeyMapper(actor, tree, "clusterlb.actor");
        m.Int("throughput", "akka.actor.default-dispatcher.throughput", min: 1);

        if (useLoggerFactory)
        {
            tree.Set("akka.loggers", new List<string> { LoggerFactoryLogger });
        }
        if (actor.HasPath("loglevel"))
        {
            tree.Set("akka.loglevel", LogLevel(actor));
        }
        m.Int("dead-letters.log-limit", "akka.log-dead-letters", min: 0);
        m.Duration("dead-letters.log-interval", "akka.log-dead-letters-suspend-duration");
        m.Bool("dead-letters.log-during-shutdown", "akka.log-dead-letters-during-shutdown");

        const string Cs = "akka.coordinated-shutdown";
        m.Duration("coordinated-shutdown.default-phase-timeout", Cs + ".default-phase-timeout");
        m.Bool("coordinated-shutdown.run-by-actor-system-terminate", Cs + ".run-by-actor-system-terminate");
        m.Bool("coordinated-shutdown.run-by-clr-shutdown-hook", Cs + ".run-by-clr-shutdown-hook");
        if (actor.GetValue("coordinated-shutdown.phases") is HoconObject phases)
        {
            foreach (var phase in phases.Keys)
            {
                if (!Phases.Contains(phase))
                {
                    throw new HoconException(phases.Fields[phase].Origin,
                        $"clusterlb.actor.coordinated-shutdown.phases.{phase}: not one of Akka's phases ({string.Join(", ", Phases)})");
                }
                tree.Set($"{Cs}.phases.{phase}.timeout", ClusterLbValues.Duration(actor, $"coordinated-shutdown.phases.{phase}.timeout"));
            }
        }
    }

    private static string LogLevel(Config actor) => actor.GetString("loglevel").Trim().ToLowerInvariant() switch
    {
        "debug" => "DEBUG",
        "info" => "INFO",
        "warning" or "warn" => "WARNING",
        "error" => "ERROR",
        "off" => "OFF",
        var other => throw new HoconException(actor.GetValue("loglevel")!.Origin,
            $"clusterlb.actor.loglevel = {other}: expected debug, info, warning, error or off"),
    };
}
