using ClusterLb.Balancing.Discovery;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;

namespace ClusterLb.Balancing.Tests;

/// <summary>A pool's <c>discovery { type = kubernetes }</c> block: its defaults, every key, and each bad value refused where it stands.</summary>
public class KubernetesDiscoveryConfigTests
{
    // The pool's body starts on line 2 of pools.conf, at column 1.
    private static PoolSettings Pool(string body) =>
        BalancingConfigReader.Read(ConfigFactory.ParseString($"clusterlb.services.web.pools = [{{ id = main\n{body}\n}}]", "pools.conf").Resolve())
            .Services.Single().Pools.Single();

    private static KubernetesDiscoverySettings Read(string body) => Assert.IsType<KubernetesDiscoverySettings>(Pool(body).Discovery);

    [Fact]
    public void A_kubernetes_block_reads_with_its_defaults_and_needs_no_static_hosts()
    {
        var k = Read("discovery { type = kubernetes, service = web }");

        Assert.Equal(("web", null, null, "http"), (k.Service, k.Namespace, k.Port, k.Scheme));
        Assert.Equal(("", "/var/run/secrets/kubernetes.io/serviceaccount/token", "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt"), (k.ApiServer, k.TokenFile, k.CaFile));
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3)), (k.Interval, k.Timeout));
        Assert.Equal((1, TimeSpan.FromSeconds(1), HostSources.Kubernetes, "kubernetes"), (k.Weight, k.WriteInterval, k.Type, HostSources.Kubernetes));
        Assert.Equal("kubernetes.io/service-name=web", k.LabelSelector);
        Assert.Null(k.PortNumber);
        Assert.Equal(
            "EndpointSlices of Service web in the pod's namespace, first port, http, from the in-cluster API server, listed every 5 s",
            k.Summary);
    }

    [Fact]
    public void Every_kubernetes_key_reads_as_written()
    {
        var k = Read("""
            hosts = ["http://10.9.9.9:80"]
            discovery {
              type = kubernetes, service = api-v2, namespace = shop, port = https, scheme = https
              api-server = "https://10.96.0.1:6443/", token-file = "/etc/lb/token", ca-file = "/etc/lb/ca.pem"
              interval = 2s, timeout = 750ms, weight = 4, write-interval = 3s
            }
            """);

        Assert.Equal(("api-v2", "shop", "https", "https"), (k.Service, k.Namespace, k.Port, k.Scheme));
        Assert.Equal(("https://10.96.0.1:6443", "/etc/lb/token", "/etc/lb/ca.pem"), (k.ApiServer, k.TokenFile, k.CaFile));
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(750), 4, TimeSpan.FromSeconds(3)), (k.Interval, k.Timeout, k.Weight, k.WriteInterval));
        Assert.Equal(
            "EndpointSlices of Service api-v2 in namespace shop, port named https, https, from https://10.96.0.1:6443, listed every 2 s",
            k.Summary);
    }

    [Fact]
    public void A_port_number_reads_as_a_number_and_empty_files_mean_none()
    {
        var k = Read("""discovery { type = kubernetes, service = web, port = 8080, token-file = "", ca-file = "", api-server = "http://127.0.0.1:8001" }""");

        Assert.Equal(("8080", 8080), (k.Port, k.PortNumber));
        Assert.Equal(("", "", "http://127.0.0.1:8001"), (k.TokenFile, k.CaFile, k.ApiServer));
        Assert.Equal("8080", Read("""discovery { type = kubernetes, service = web, port = "08080" }""").Port);
        Assert.Contains("port 8080,", k.Summary);
    }

    [Theory]
    [InlineData("discovery { type = kubernetes }", "{ type", "discovery.service is required")]
    [InlineData("discovery { type = kubernetes, service = Web }", "Web", "discovery.service 'Web' is not a Service name")]
    [InlineData("discovery { type = kubernetes, service = 1web }", "1web", "discovery.service '1web' is not a Service name")]
    [InlineData("discovery { type = kubernetes, service = web, namespace = \"\" }", "\"\"", "discovery.namespace '' is not a namespace name")]
    [InlineData("discovery { type = kubernetes, service = web, namespace = kube_system }", "kube_system", "discovery.namespace 'kube_system'")]
    [InlineData("discovery { type = kubernetes, service = web, port = 0 }", "0 }", "discovery.port 0 must be 1 to 65535")]
    [InlineData("discovery { type = kubernetes, service = web, port = 70000 }", "70000", "discovery.port 70000 must be 1 to 65535")]
    [InlineData("discovery { type = kubernetes, service = web, port = HTTP }", "HTTP", "discovery.port 'HTTP' is neither a port number nor a port name")]
    [InlineData("discovery { type = kubernetes, service = web, scheme = grpc }", "grpc", "discovery.scheme 'grpc' must be http, https or tcp")]
    [InlineData("discovery { type = kubernetes, service = web, api-server = \"10.96.0.1\" }", "\"10.96.0.1\"", "discovery.api-server '10.96.0.1' must be an http(s) URL")]
    [InlineData("discovery { type = kubernetes, service = web, api-server = \"ftp://k8s\" }", "\"ftp://k8s\"", "discovery.api-server 'ftp://k8s'")]
    [InlineData("discovery { type = kubernetes, service = web, api-server = \"https://k8s/?x=1\" }", "\"https://k8s/?x=1\"", "discovery.api-server")]
    [InlineData("discovery { type = kubernetes, service = web, token-file = \"a\\u0001b\" }", "\"a\\u0001b\"", "discovery.token-file")]
    [InlineData("discovery { type = kubernetes, service = web, ca-file = \"a\\u0000b\" }", "\"a\\u0000b\"", "discovery.ca-file")]
    [InlineData("discovery { type = kubernetes, service = web, interval = 0s }", "0s", "discovery.interval must be positive")]
    [InlineData("discovery { type = kubernetes, service = web, timeout = -1s }", "-1s", "discovery.timeout must be positive")]
    [InlineData("discovery { type = kubernetes, service = web, weight = 1001 }", "1001", "discovery.weight 1001 must be 1 to 1000")]
    [InlineData("discovery { type = kubernetes, service = web, write-interval = 0ms }", "0ms", "discovery.write-interval must be positive")]
    [InlineData("discovery { type = kubernetes, service = web, name = web }", "web }", "discovery.name is not a key of a kubernetes discovery")]
    [InlineData("discovery { type = kubernetes, service = web, label-selector = \"app=web\" }", "\"app=web\"", "discovery.label-selector is not a key")]
    public void A_bad_kubernetes_block_is_refused_naming_the_file_line_and_column_of_the_value(string body, string value, string reason)
    {
        var error = Assert.Single(Assert.Throws<SettingsException>(() => Pool(body)).Errors);

        // The value at fault: its column in the line (1-based); a missing key points at the block's opening brace.
        var column = body.LastIndexOf(value, StringComparison.Ordinal) + 1;
        Assert.StartsWith($"pools.conf:2:{column}: ", error);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void The_known_types_name_kubernetes_and_a_missing_type_lists_them()
    {
        Assert.Equal(["dns", "akka-cluster", "kubernetes"], DiscoveryConfigReader.Types.ToArray());
        var error = Assert.Single(Assert.Throws<SettingsException>(() => Pool("discovery { service = web }")).Errors);
        Assert.Contains("discovery.type is required (dns, akka-cluster, kubernetes)", error);
    }
}
