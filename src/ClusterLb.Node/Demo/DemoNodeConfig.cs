using System.Globalization;

namespace ClusterLb.Node.Demo;

/// <summary>
/// The HOCON file of one clustered demo node: the shape of <c>hocon/cluster-node1.conf</c>, with the demo's ports,
/// seeds and certificates. The demo writes it to disk and starts the node from it, the way <c>clusterlb run</c> does.
/// </summary>
internal static class DemoNodeConfig
{
    /// <summary>The node's configuration text.</summary>
    public static string Render(
        string name, string dataDirectory, int proxyPort, int adminPort, int clusterPort,
        IReadOnlyList<string> seeds, string certificate, string ca, string adminToken, IReadOnlyList<DemoBackend> backends)
    {
        var hosts = string.Join("\n", backends.Select(b => $"            {{ id = {Quote(b.Name)}, address = {Quote(b.Url.ToString())} }}"));
        return $$"""
            # Written by `clusterlb demo`; the same shape as hocon/cluster-node1.conf.
            clusterlb {
              node { name = {{Quote(name)}}, data-dir = {{Quote(dataDirectory)}} }
              proxy.http { bind = "127.0.0.1", port = {{Number(proxyPort)}} }
              admin { bind = "127.0.0.1", port = {{Number(adminPort)}}, token = {{Quote(adminToken)}} }
              cluster {
                hostname = "127.0.0.1"
                port = {{Number(clusterPort)}}
                seed-nodes = [{{string.Join(", ", seeds.Select(Quote))}}]
                tls { certificate = {{Quote(certificate)}}, ca = {{Quote(ca)}} }
              }
              health-check { path = "/health", interval = 1s }
              services.demo.pools = [
                {
                  id = primary
                  method = round-robin
                  hosts = [
            {{hosts}}
                  ]
                }
              ]
            }

            """;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    // Values are ours (names, loopback URLs, temp paths, hex); quoting still escapes the two characters HOCON needs.
    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
