using ClusterLb.Hocon;
using ClusterLb.Runtime.Hosting;

namespace ClusterLb.Runtime.Tests.Hosting;

/// <summary>
/// <c>clusterlb.cluster.discovery</c> and <c>.management</c> land on Akka.Management's Cluster Bootstrap, its HTTP
/// endpoint and Akka.Discovery; bad values are refused with FILE:LINE:COL.
/// </summary>
public sealed class DiscoveryMappingTests : IDisposable
{
    private readonly TestConfig _files = new();

    public void Dispose() => _files.Dispose();

    // Bootstrap nodes join a cluster, so TLS needs its files named (Map does not read them).
    private const string Tls = "clusterlb.cluster.tls { certificate = node.pfx, ca = ca.crt }\n";

    private MappedAkkaConfig Map(string hocon) => AkkaNodeConfig.Map(_files.Load(hocon), _files.DataDir, false, null);

    [Fact]
    public void Seeds_is_the_default_and_maps_no_management_or_discovery_keys()
    {
        var mapped = Map("");
        Assert.Equal(ClusterJoinMethod.Seeds, mapped.JoinMethod);
        Assert.False(mapped.Config.HasPath("akka.management"));
        Assert.False(mapped.Config.HasPath("akka.discovery.method"));
    }

    [Fact]
    public void Config_discovery_maps_every_key_onto_cluster_bootstrap_and_the_config_method()
    {
        var mapped = Map(Tls + """
            clusterlb.cluster {
              port = 4100
              discovery {
                method = config
                service-name = lbs
                required-contact-points = 3
                contact-with-all-contact-points = off
                stable-margin = 1500ms
                interval = 200ms
                resolve-timeout = 2s
                probe-interval = 700ms
                new-cluster-enabled = off
                config.contact-points = ["127.0.0.1:8601", "127.0.0.1:8602", "127.0.0.1:8603"]
              }
              management { port = 8601 }
            }
            """);
        var c = mapped.Config;
        Assert.Equal(ClusterJoinMethod.Config, mapped.JoinMethod);
        Assert.True(mapped.TlsEnabled);
        Assert.Empty(c.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal("config", c.GetString("akka.discovery.method"));
        Assert.Equal(["127.0.0.1:8601", "127.0.0.1:8602", "127.0.0.1:8603"], c.GetStringList("akka.discovery.config.services.lbs.endpoints"));
        Assert.Equal("Akka.Discovery.Config.ConfigServiceDiscovery, Akka.Discovery", c.GetString("akka.discovery.config.class"));
        Assert.False(c.GetBoolean("akka.management.cluster.bootstrap.contact-point.filter-on-fallback-port"));
        const string Cpd = "akka.management.cluster.bootstrap.contact-point-discovery.";
        Assert.Equal("lbs", c.GetString(Cpd + "service-name"));
        Assert.Equal(3, c.GetInt(Cpd + "required-contact-point-nr"));
        Assert.False(c.GetBoolean(Cpd + "contact-with-all-contact-points"));
        Assert.Equal(TimeSpan.FromMilliseconds(1500), c.GetTimeSpan(Cpd + "stable-margin"));
        Assert.Equal(TimeSpan.FromMilliseconds(200), c.GetTimeSpan(Cpd + "interval"));
        Assert.Equal(TimeSpan.FromSeconds(2), c.GetTimeSpan(Cpd + "resolve-timeout"));
        Assert.Equal(TimeSpan.FromMilliseconds(700), c.GetTimeSpan("akka.management.cluster.bootstrap.contact-point.probe-interval"));
        Assert.False(c.GetBoolean("akka.management.cluster.bootstrap.new-cluster-enabled"));
        Assert.Equal("127.0.0.1", c.GetString("akka.management.http.hostname"));
        Assert.Equal(8601, c.GetInt("akka.management.http.port"));
        Assert.Equal("127.0.0.1", c.GetString("akka.management.http.bind-hostname"));
        Assert.Equal(8601, c.GetInt("akka.management.http.bind-port"));
    }

    [Fact]
    public void Kubernetes_api_discovery_maps_the_selector_and_advertises_the_public_hostname()
    {
        var mapped = Map(Tls + """
            clusterlb.cluster {
              hostname = "0.0.0.0"
              public-hostname = "10.1.2.3"
              discovery {
                method = kubernetes-api
                port-name = management
                kubernetes-api { pod-label-selector = "app.kubernetes.io/name={0}", pod-namespace = lb, container-name = clusterlb }
              }
            }
            """);
        var c = mapped.Config;
        Assert.Equal(ClusterJoinMethod.KubernetesApi, mapped.JoinMethod);
        Assert.Equal("kubernetes-api", c.GetString("akka.discovery.method"));
        Assert.Equal(KubernetesPodDiscovery.ClassName, c.GetString("akka.discovery.kubernetes-api.class"));
        Assert.Equal("app.kubernetes.io/name={0}", c.GetString("akka.discovery.kubernetes-api.pod-label-selector"));
        Assert.Equal("lb", c.GetString("akka.discovery.kubernetes-api.pod-namespace"));
        Assert.Equal("clusterlb", c.GetString("akka.discovery.kubernetes-api.container-name"));
        const string Cpd = "akka.management.cluster.bootstrap.contact-point-discovery.";
        Assert.Equal("clusterlb", c.GetString(Cpd + "service-name"));
        Assert.Equal("management", c.GetString(Cpd + "port-name"));
        Assert.Equal(2, c.GetInt(Cpd + "required-contact-point-nr"));
        Assert.Equal(TimeSpan.FromSeconds(5), c.GetTimeSpan(Cpd + "stable-margin"));
        Assert.Equal("10.1.2.3", c.GetString("akka.management.http.hostname"));
        Assert.Equal(8558, c.GetInt("akka.management.http.port"));
        Assert.Equal("0.0.0.0", c.GetString("akka.management.http.bind-hostname"));
        Assert.Equal(8558, c.GetInt("akka.management.http.bind-port"));
        Assert.True(c.GetBoolean("akka.management.cluster.bootstrap.contact-point.filter-on-fallback-port"));
    }

    [Fact]
    public void Contact_points_may_be_one_comma_separated_string_and_management_may_bind_elsewhere()
    {
        var c = Map(Tls + """
            clusterlb.cluster.discovery { method = config, config.contact-points = "a:8558, b:8558," }
            clusterlb.cluster.management { hostname = lb-a.example, bind-hostname = "0.0.0.0", bind-port = 18558 }
            """).Config;
        Assert.Equal(["a:8558", "b:8558"], c.GetStringList("akka.discovery.config.services.clusterlb.endpoints"));
        Assert.Equal("lb-a.example", c.GetString("akka.management.http.hostname"));
        Assert.Equal("0.0.0.0", c.GetString("akka.management.http.bind-hostname"));
        Assert.Equal(18558, c.GetInt("akka.management.http.bind-port"));
    }

    [Fact]
    public void The_akka_block_still_wins_over_the_mapped_bootstrap_keys()
    {
        var c = Map(Tls + """
            clusterlb.cluster.discovery { method = config, config.contact-points = ["a:8558"] }
            akka.management.cluster.bootstrap.contact-point-discovery.stable-margin = 9s
            """).Config;
        Assert.Equal(TimeSpan.FromSeconds(9), c.GetTimeSpan("akka.management.cluster.bootstrap.contact-point-discovery.stable-margin"));
    }

    [Fact]
    public void A_bootstrap_node_without_certificate_files_refuses_to_start_like_a_seeded_one()
    {
        var e = Assert.Throws<HoconException>(() => Map("clusterlb.cluster.discovery { method = config, config.contact-points = [\"a:8558\"] }\n"));
        Assert.Contains("clusterlb.cluster.discovery", e.Message);
        Assert.Contains("clusterlb.cluster.tls.certificate", e.Message);
    }

    [Theory]
    [InlineData("discovery.method = dns", "clusterlb.cluster.discovery.method", "expected seeds, config or kubernetes-api")]
    [InlineData("discovery { method = config, config.contact-points = [\"a:8558\"] }\nseed-nodes = [\"lb1:4053\"]", "clusterlb.cluster.seed-nodes", "remove the seed nodes")]
    [InlineData("discovery.method = config\ndiscovery.config.contact-points = []", "clusterlb.cluster.discovery.config.contact-points", "is empty")]
    [InlineData("discovery.method = config\ndiscovery.config.contact-points = [\"a:8558\", \"b\"]", "clusterlb.cluster.discovery.config.contact-points", "'b' is not a contact point")]
    [InlineData("discovery.method = config\ndiscovery.config.contact-points = [\"a:8558\"]\ndiscovery.required-contact-points = 0", "clusterlb.cluster.discovery.required-contact-points", "below the minimum 1")]
    [InlineData("discovery.method = config\ndiscovery.config.contact-points = [\"a:8558\"]\ndiscovery.service-name = \"lb.prod\"", "clusterlb.cluster.discovery.service-name", "is not a service name")]
    [InlineData("discovery.method = config\ndiscovery.config.contact-points = [\"a:8558\"]\nmanagement.port = 0", "clusterlb.cluster.management.port", "cannot be 0")]
    [InlineData("discovery.method = config\ndiscovery.config.contact-points = [\"a:8558\"]\nmanagement.hostname = \"0.0.0.0\"", "clusterlb.cluster.management.hostname", "nobody can connect")]
    [InlineData("discovery.method = kubernetes-api\ndiscovery.kubernetes-api.pod-label-selector = \"\"", "clusterlb.cluster.discovery.kubernetes-api.pod-label-selector", "must not be empty")]
    public void A_bad_discovery_value_is_refused_naming_key_file_line_and_column(string body, string key, string why)
    {
        // The last line of the body holds the bad value; the block opens on line 2.
        var e = Assert.Throws<HoconException>(() => Map(Tls + "clusterlb.cluster {\n" + body + "\n}\n"));
        Assert.Equal(_files.File, e.File);
        Assert.Equal(2 + body.Split('\n').Length, e.Line);
        Assert.True(e.Column > 0);
        Assert.StartsWith($"{_files.File}:{e.Line}:", e.Message);
        Assert.Contains(key, e.Message);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void Seeds_in_the_akka_block_are_refused_with_bootstrap_too()
    {
        var e = Assert.Throws<HoconException>(() => Map(Tls + """
            clusterlb.cluster.discovery { method = config, config.contact-points = ["a:8558"] }
            akka.cluster.seed-nodes = ["akka.ssl.tcp://clusterlb@a:4053"]
            """));
        Assert.Contains("akka.cluster.seed-nodes", e.Message);
        Assert.Equal(3, e.Line);
    }
}
