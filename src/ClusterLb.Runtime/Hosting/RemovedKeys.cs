using ClusterLb.Hocon;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// Keys of ClusterLb's own engine that mean nothing on Akka.NET. Each is refused at start-up with what to use
/// instead, positioned at the value, so an operator upgrading a file never has a setting silently ignored.
/// Keys that do have an Akka counterpart are mapped instead (see reference.conf).
/// </summary>
public static class RemovedKeys
{
    private const string UseTls =
        "nodes now authenticate each other with mutual TLS: use clusterlb.cluster.tls { certificate, password, ca } (create them with `clusterlb cert`)";

    /// <summary>Every removed key and what replaces it.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["clusterlb.remote.secret"] = UseTls,
        ["clusterlb.cluster.secret"] = UseTls,
        ["clusterlb.cluster.allow-unauthenticated"] = "use clusterlb.cluster.tls.enabled = off to run a cluster without TLS (isolated networks only)",
        ["clusterlb.cluster.enabled"] = "every node is an Akka.Cluster member; a node without clusterlb.cluster.seed-nodes joins itself",
        ["clusterlb.remote.system-name"] = "use clusterlb.cluster.system-name",
        ["clusterlb.remote.hostname"] = "use clusterlb.cluster.hostname (the bind address)",
        ["clusterlb.remote.port"] = "use clusterlb.cluster.port (or CLUSTER_PORT)",
        ["clusterlb.remote.public-hostname"] = "use clusterlb.cluster.public-hostname (or CLUSTER_IP)",
        ["clusterlb.remote.public-port"] = "use clusterlb.cluster.public-port",
        ["clusterlb.remote.retry-gate-after-failures"] =
            "Akka.Remote gates an address after one failed association: use clusterlb.remote.retry-gate-closed-for",
        ["clusterlb.remote.backoff"] =
            "Akka.Remote retries an address once its gate opens: use clusterlb.remote.retry-gate-closed-for",
        ["clusterlb.remote.outbound-queue-size"] =
            "Akka.Remote has no per-peer message count limit; remove it (messages above clusterlb.remote.maximum-frame-size are still dropped)",
        ["clusterlb.cluster.max-ticks-before-shutting-down-myself"] =
            "Akka.Cluster shuts a downed node down by itself once the Down has spread; remove it",
        ["clusterlb.cluster.failure-detector.first-heartbeat-estimate"] =
            "Akka seeds the detector from the heartbeat interval: use clusterlb.cluster.failure-detector.heartbeat-interval",
        ["clusterlb.distributed-data.delta-propagation-interval"] =
            "Akka.DistributedData derives it from gossip-interval (a fifth, at least 200ms): use clusterlb.distributed-data.gossip-interval",
        ["clusterlb.distributed-data.max-message-size"] =
            "replicator messages are bounded by the remoting frame: use clusterlb.remote.maximum-frame-size",
    };

    /// <summary>Throws for the first removed key present in <paramref name="config"/>, in the file's own words.</summary>
    /// <exception cref="HoconException"><c>FILE:LINE:COL: KEY was removed: ...</c>.</exception>
    public static void Refuse(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var present = All
            .Select(entry => (entry.Key, entry.Value, Found: config.GetValue(entry.Key)))
            .Where(x => x.Found is not null)
            .OrderBy(x => x.Found!.Origin.File, StringComparer.Ordinal)
            .ThenBy(x => x.Found!.Origin.Line)
            .ToList();
        if (present.Count > 0)
        {
            var (key, instead, found) = present[0];
            throw new HoconException(found!.Origin, $"{key} was removed: {instead}");
        }
    }
}
