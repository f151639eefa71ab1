using System.Net;
using ClusterLb.Hocon;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// <c>clusterlb.cluster.{hostname, port, public-hostname, public-port}</c> and <c>clusterlb.remote.*</c> onto
/// <c>akka.remote</c> and its DotNetty TCP transport.
/// </summary>
internal static class RemoteMapping
{
    private const string Tcp = "akka.remote.dot-netty.tcp";

    /// <summary>Akka refuses a smaller frame (DotNettyTransportSettings).</summary>
    private const long MinimumFrameSize = 32000;

    public static void Map(Config config, AkkaConfigTree tree, bool tls, bool validateHostname)
    {
        var cluster = new KeyMapper(config.GetConfig("clusterlb.cluster", Config.Empty), tree, "clusterlb.cluster");
        cluster.String("hostname", Tcp + ".hostname");
        cluster.Int("port", Tcp + ".port", min: 0);
        if (cluster.Has("public-hostname") && cluster.Block.GetString("public-hostname").Trim().Length > 0)
        {
            tree.Set(Tcp + ".public-hostname", cluster.Block.GetString("public-hostname").Trim());
        }
        if (cluster.Has("public-port") && cluster.Block.GetInt("public-port") > 0)
        {
            cluster.Int("public-port", Tcp + ".public-port", min: 0);
        }
        RequirePublicHostnameForWildcard(cluster.Block);

        tree.Set(Tcp + ".enable-ssl", tls);
        if (tls)
        {
            // Mutual TLS with validation on both sides; the trust anchor is the cluster's CA, passed in code
            // (DotNettySslSetup) because no HOCON key can name a private CA.
            tree.Set(Tcp + ".ssl.suppress-validation", false);
            tree.Set(Tcp + ".ssl.require-mutual-authentication", true);
            tree.Set(Tcp + ".ssl.validate-certificate-hostname", validateHostname);
        }

        var remote = new KeyMapper(config.GetConfig("clusterlb.remote", Config.Empty), tree, "clusterlb.remote");
        remote.Bytes("maximum-frame-size", Tcp + ".maximum-frame-size", MinimumFrameSize);
        remote.Duration("handshake-timeout", "akka.remote.handshake-timeout");
        remote.Duration("retry-gate-closed-for", "akka.remote.retry-gate-closed-for");
        remote.Duration("system-message-resend-interval", "akka.remote.resend-interval");
        remote.Int("system-message-buffer-size", "akka.remote.system-message-buffer-size", min: 1);
        remote.Duration("connection-timeout", Tcp + ".connection-timeout");
    }

    // Binding every interface without naming the address peers should use makes the node advertise 0.0.0.0, and
    // peers' messages are then dropped as addressed to someone else (the Docker pitfall, akka.net #4570).
    private static void RequirePublicHostnameForWildcard(Config cluster)
    {
        if (!cluster.HasPath("hostname")) return;
        var host = cluster.GetString("hostname").Trim();
        var wildcard = host.Length == 0 || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)));
        var publicHost = cluster.GetString("public-hostname", "").Trim();
        if (wildcard && publicHost.Length == 0)
        {
            throw new HoconException(cluster.GetValue("hostname")!.Origin,
                $"clusterlb.cluster.hostname = \"{host}\" binds every interface, so set clusterlb.cluster.public-hostname (or CLUSTER_IP) to the name peers reach this node by");
        }
    }
}
