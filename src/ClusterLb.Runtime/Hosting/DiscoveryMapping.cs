using System.Net;
using ClusterLb.Hocon;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// <c>clusterlb.cluster.discovery</c> and <c>clusterlb.cluster.management</c> onto Akka.Management's Cluster
/// Bootstrap (<c>akka.management.cluster.bootstrap</c>), its HTTP endpoint (<c>akka.management.http</c>) and
/// Akka.Discovery (<c>akka.discovery</c>: the config method, or the Kubernetes API, <see cref="KubernetesPodDiscovery"/>). With
/// <c>method = seeds</c> nothing is mapped and the node joins through its seed nodes as before.
/// </summary>
internal static class DiscoveryMapping
{
    /// <summary>The discovery block.</summary>
    public const string Key = "clusterlb.cluster.discovery";

    /// <summary>The management endpoint block.</summary>
    public const string ManagementKey = "clusterlb.cluster.management";

    private const string Bootstrap = "akka.management.cluster.bootstrap";
    private const string ContactPointDiscovery = Bootstrap + ".contact-point-discovery";

    /// <summary>The method named by <c>clusterlb.cluster.discovery.method</c> (<c>seeds</c> when absent).</summary>
    public static ClusterJoinMethod Method(Config config)
    {
        const string MethodKey = Key + ".method";
        var text = config.GetString(MethodKey, "seeds").Trim().ToLowerInvariant();
        return text switch
        {
            "seeds" => ClusterJoinMethod.Seeds,
            "config" => ClusterJoinMethod.Config,
            "kubernetes-api" => ClusterJoinMethod.KubernetesApi,
            _ => throw ClusterLbValues.Error(config, MethodKey, $"'{text}' is not a method: expected seeds, config or kubernetes-api"),
        };
    }

    /// <summary>The name of a method as written in HOCON (for messages).</summary>
    public static string Name(ClusterJoinMethod method) => method switch
    {
        ClusterJoinMethod.Config => "config",
        ClusterJoinMethod.KubernetesApi => "kubernetes-api",
        _ => "seeds",
    };

    /// <summary>
    /// Akka skips Cluster Bootstrap when seed nodes are configured, so a node given both would silently ignore its
    /// discovery settings: refused, positioned at the seeds.
    /// </summary>
    /// <param name="config">The resolved ClusterLb configuration.</param>
    /// <param name="method">The join method.</param>
    /// <param name="seeds">The seeds read from <c>clusterlb.cluster.seed-nodes</c>.</param>
    /// <param name="akkaSeeds">The seeds of the user's <c>akka { }</c> block.</param>
    public static void RefuseSeeds(Config config, ClusterJoinMethod method, int seeds, int akkaSeeds)
    {
        if (method == ClusterJoinMethod.Seeds || seeds + akkaSeeds == 0) return;
        var key = seeds > 0 ? SeedNodes.Key : "akka.cluster.seed-nodes";
        throw ClusterLbValues.Error(config, key,
            $"seed nodes are set, but {Key}.method = {Name(method)} finds the cluster through Akka.Management Cluster Bootstrap, " +
            $"which Akka skips when seed nodes are configured: remove the seed nodes, or set {Key}.method = seeds");
    }

    /// <summary>Writes the bootstrap, management and discovery keys for a bootstrap method.</summary>
    /// <param name="config">The resolved ClusterLb configuration.</param>
    /// <param name="tree">The Akka keys being built.</param>
    /// <param name="method">A bootstrap method (not <see cref="ClusterJoinMethod.Seeds"/>).</param>
    /// <param name="systemName">The actor system name: the default service name.</param>
    public static void Map(Config config, AkkaConfigTree tree, ClusterJoinMethod method, string systemName)
    {
        var d = new KeyMapper(config.GetConfig(Key, Config.Empty), tree, Key);
        var serviceName = ServiceName(config, systemName);
        tree.Set("akka.discovery.method", Name(method));
        tree.Set(ContactPointDiscovery + ".service-name", serviceName);
        d.Int("required-contact-points", ContactPointDiscovery + ".required-contact-point-nr", min: 1);
        d.Bool("contact-with-all-contact-points", ContactPointDiscovery + ".contact-with-all-contact-points");
        d.Duration("stable-margin", ContactPointDiscovery + ".stable-margin");
        d.Duration("interval", ContactPointDiscovery + ".interval");
        d.Duration("resolve-timeout", ContactPointDiscovery + ".resolve-timeout");
        d.String("port-name", ContactPointDiscovery + ".port-name");
        d.Duration("probe-interval", Bootstrap + ".contact-point.probe-interval");
        d.Bool("new-cluster-enabled", Bootstrap + ".new-cluster-enabled");

        if (method == ClusterJoinMethod.Config)
        {
            tree.Set($"akka.discovery.config.services.{serviceName}.endpoints", ContactPoints(config));
            // Every listed contact point is a management endpoint, whatever its port: Akka's default keeps only those
            // on this node's own management port, which drops every node listening elsewhere (several per host).
            tree.Set(Bootstrap + ".contact-point.filter-on-fallback-port", false);
        }
        else
        {
            MapKubernetes(config, tree);
        }
        MapManagement(config, tree);
    }

    // The name discovery is asked for; it becomes a config path element and the {0} of the pod label selector.
    private static string ServiceName(Config config, string systemName)
    {
        const string ServiceKey = Key + ".service-name";
        var name = config.GetString(ServiceKey, "").Trim();
        if (name.Length == 0) return systemName;
        if (!name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_'))
        {
            throw ClusterLbValues.Error(config, ServiceKey, $"'{name}' is not a service name: use letters, digits, '-' and '_' (\"\" = clusterlb.cluster.system-name)");
        }
        return name;
    }

    private static List<string> ContactPoints(Config config)
    {
        const string PointsKey = Key + ".config.contact-points";
        var value = config.GetValue(PointsKey);
        var entries = new List<(string Text, HoconOrigin Origin)>();
        switch (value)
        {
            case HoconString s:
                entries.AddRange(s.Value.Split(',').Select(part => (part.Trim(), s.Origin)).Where(e => e.Item1.Length > 0));
                break;
            case HoconArray array:
                foreach (var item in array.Items)
                {
                    entries.Add(item is HoconString str
                        ? (str.Value.Trim(), str.Origin)
                        : throw new HoconException(item.Origin, $"{PointsKey}: expected a \"host:port\" string, found {item.Kind}"));
                }
                break;
            case null or HoconNull:
                break;
            default:
                throw new HoconException(value.Origin, $"{PointsKey}: expected a list of \"host:port\" or a comma-separated string");
        }
        if (entries.Count == 0)
        {
            var origin = value?.Origin ?? ClusterLbValues.OriginOf(config, Key + ".method");
            throw new HoconException(origin, $"{PointsKey} is empty, but {Key}.method = config needs the host:port of every node's management endpoint (clusterlb.cluster.management)");
        }
        foreach (var (text, origin) in entries)
        {
            if (!HostPort.TryParse(text, out _, out _))
            {
                throw new HoconException(origin, $"{PointsKey}: '{text}' is not a contact point: expected host:port (port 1-65535) of a node's management endpoint");
            }
        }
        return entries.Select(e => e.Text).ToList();
    }

    private static void MapKubernetes(Config config, AkkaConfigTree tree)
    {
        const string K8s = "akka.discovery.kubernetes-api";
        const string SelectorKey = Key + ".kubernetes-api.pod-label-selector";
        var k = config.GetConfig(Key + ".kubernetes-api", Config.Empty);
        var selector = k.GetString("pod-label-selector", "app={0}").Trim();
        if (selector.Length == 0)
        {
            throw ClusterLbValues.Error(config, SelectorKey, "must not be empty: it selects the pods of this cluster (e.g. \"app={0}\", {0} = the service name)");
        }
        tree.Set(K8s + ".class", KubernetesPodDiscovery.ClassName);
        tree.Set(K8s + ".pod-label-selector", selector);
        // Empty means "Akka's default" for both: the pod's own namespace, and every container.
        if (k.GetString("pod-namespace", "").Trim() is { Length: > 0 } ns) tree.Set(K8s + ".pod-namespace", ns);
        if (k.GetString("container-name", "").Trim() is { Length: > 0 } container) tree.Set(K8s + ".container-name", container);
    }

    private static void MapManagement(Config config, AkkaConfigTree tree)
    {
        const string Http = "akka.management.http";
        var m = config.GetConfig(ManagementKey, Config.Empty);
        var port = m.GetInt("port", 8558);
        if (port is < 1 or > 65535)
        {
            throw ClusterLbValues.Error(config, ManagementKey + ".port", $"{port} is not a port 1-65535: other nodes find this endpoint by its port, so it cannot be 0");
        }
        var bindPort = m.GetInt("bind-port", 0);
        if (bindPort is < 0 or > 65535)
        {
            throw ClusterLbValues.Error(config, ManagementKey + ".bind-port", $"{bindPort} is not a port 0-65535 (0 = {ManagementKey}.port)");
        }

        // The advertised host must be the address discovery returns for this node: that is how bootstrap finds
        // itself among the contact points.
        var hostname = m.GetString("hostname", "").Trim();
        if (hostname.Length == 0)
        {
            var publicHostname = config.GetString("clusterlb.cluster.public-hostname", "").Trim();
            hostname = publicHostname.Length > 0 ? publicHostname : config.GetString("clusterlb.cluster.hostname", "127.0.0.1").Trim();
        }
        else if (IPAddress.TryParse(hostname.Trim('[', ']'), out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)))
        {
            throw ClusterLbValues.Error(config, ManagementKey + ".hostname",
                $"'{hostname}' is where other nodes would connect, and nobody can connect to it: set the node's address here and bind every interface with {ManagementKey}.bind-hostname");
        }
        var bindHostname = m.GetString("bind-hostname", "").Trim();
        if (bindHostname.Length == 0)
        {
            bindHostname = config.GetString("clusterlb.cluster.hostname", "127.0.0.1").Trim();
        }

        tree.Set(Http + ".hostname", hostname);
        tree.Set(Http + ".port", port);
        tree.Set(Http + ".bind-hostname", bindHostname);
        tree.Set(Http + ".bind-port", bindPort == 0 ? port : bindPort);
    }
}
