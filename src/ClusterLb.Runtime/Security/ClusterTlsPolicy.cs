using System.Net;
using ClusterLb.Hocon;

namespace ClusterLb.Runtime.Security;

/// <summary>
/// Decides whether remoting runs with TLS. A cluster (seed nodes set, or a bootstrap discovery method) must either name its certificate and CA or
/// say <c>tls.enabled = off</c> out loud; a single node without seeds or bootstrap that binds only loopback may run without TLS,
/// since nothing off the machine can reach it.
/// </summary>
public static class ClusterTlsPolicy
{
    /// <summary>The warning logged when a reachable node runs without TLS.</summary>
    public const string PlainWarning =
        "clusterlb.cluster.tls.enabled = off: nodes talk without encryption or authentication, and anyone who reaches the cluster port can join. Use this on isolated networks only.";

    /// <summary>Whether TLS is on, and the warning to log, if any.</summary>
    /// <param name="settings">The tls block.</param>
    /// <param name="joinsCluster">Whether the node is configured to join a cluster (seed nodes, or Cluster Bootstrap).</param>
    /// <param name="bindHost">The remoting bind address (clusterlb.cluster.hostname).</param>
    /// <exception cref="HoconException">The node would be reachable without TLS and nobody asked for that, or only one of the two files is named.</exception>
    public static (bool Tls, string? Warning) Decide(ClusterTlsSettings settings, bool joinsCluster, string bindHost)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Enabled)
        {
            return (false, joinsCluster || !IsLoopback(bindHost) ? PlainWarning : null);
        }
        if (settings.HasFiles)
        {
            return (true, null);
        }
        var key = ClusterTlsSettings.Key;
        if (settings.CertificatePath.Length > 0 || settings.CaPath.Length > 0)
        {
            var missing = settings.CertificatePath.Length == 0 ? "certificate" : "ca";
            throw new HoconException(settings.Origin, $"{key}.{missing} is not set: TLS needs both {key}.certificate (the node's .pfx) and {key}.ca (the cluster CA)");
        }
        if (joinsCluster)
        {
            throw new HoconException(settings.Origin,
                $"this node joins a cluster (clusterlb.cluster.seed-nodes or clusterlb.cluster.discovery) but TLS has no files: set {key}.certificate (the node's .pfx, with {key}.password) and {key}.ca " +
                $"(create them with `clusterlb cert create-ca` and `clusterlb cert create-node`), or set {key}.enabled = off for an isolated network");
        }
        if (!IsLoopback(bindHost))
        {
            throw new HoconException(settings.Origin,
                $"remoting binds '{bindHost}' without TLS, so other machines could join this node: set {key}.certificate and {key}.ca, " +
                $"bind clusterlb.cluster.hostname to 127.0.0.1, or set {key}.enabled = off for an isolated network");
        }
        return (false, null);
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
}
