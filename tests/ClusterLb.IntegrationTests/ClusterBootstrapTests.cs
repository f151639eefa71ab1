using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Akka.Cluster;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Node.Hosting;
using ClusterLb.Runtime.Security;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// Nodes started as <c>clusterlb run</c> starts them, with no seed nodes, find each other through Akka.Management's
/// Cluster Bootstrap and Akka's config discovery (each node's management endpoint on its own loopback port), over
/// mutual TLS with certificates from one CA. Kubernetes API discovery differs only in where the contact points come
/// from; it is not run here (no Kubernetes cluster).
/// </summary>
public sealed class ClusterBootstrapTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan FormDeadline = TimeSpan.FromSeconds(60);

    // The refusal Akka's LowestAddressJoinDecider logs on every decision while too few contact points answered.
    private const string TooFewContactPoints = "which is less than the required [2]";

    private readonly TempDirectory _certs = TempDirectory.Create();
    private TestBackend _backend = null!;

    public async Task InitializeAsync()
    {
        CertificateFactory.CreateCa(_certs.Path, "bootstrap-test-ca");
        _backend = await TestBackend.StartAsync("b1");
    }

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        _certs.Dispose();
    }

    [Fact]
    public async Task Three_nodes_without_seed_nodes_form_one_cluster_through_bootstrap_with_config_discovery()
    {
        var management = Enumerable.Range(0, 3).Select(_ => PortAllocator.Next()).ToArray();
        var contactPoints = string.Join(", ", management.Select(p => $"\"127.0.0.1:{p}\""));
        await using var nodes = new ConfiguredNodes(output);
        var started = new List<ClusterLbNode>();
        for (var i = 0; i < 3; i++)
        {
            started.Add(await nodes.StartAsync($"boot-{i}", Body($"boot-{i}", management[i], contactPoints, requiredContactPoints: 3)));
        }

        await Poll.UntilAsync(() => started.All(n => UpMembers(n) == 3), "every node to see three Up members", FormDeadline);
        var leaders = started.Select(n => Cluster.Get(n.System).State.Leader).Distinct().ToArray();
        Assert.Single(leaders);
        Assert.NotNull(leaders[0]);
        Assert.Contains(leaders[0], started.Select(n => Cluster.Get(n.System).SelfAddress));
        Assert.All(started, n =>
        {
            var cluster = Cluster.Get(n.System);
            Assert.Empty(cluster.Settings.SeedNodes);
            Assert.Equal("akka.ssl.tcp", cluster.SelfAddress.Protocol);
            Assert.Equal(3, cluster.State.Members.Count);
            Assert.Empty(cluster.State.Unreachable);
        });

        // Each node's contact point answers Akka.Management's probe with the members; nothing else is served there.
        using (var contactPoint = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{management[0]}/"), Timeout = TimeSpan.FromSeconds(10) })
        {
            var body = JsonDocument.Parse(await contactPoint.GetStringAsync("bootstrap/seed-nodes")).RootElement;
            Assert.Equal(3, body.GetProperty("Nodes").GetArrayLength());
            // Newtonsoft's defaults, as Akka's prober reads them: the status is the enum's number.
            Assert.All(body.GetProperty("Nodes").EnumerateArray(), n => Assert.Equal((int)MemberStatus.Up, n.GetProperty("Status").GetInt32()));
            Assert.Contains(body.GetProperty("SelfNode").GetProperty("Port").GetInt32(), started.Select(n => Cluster.Get(n.System).SelfAddress.Port!.Value));
            using var post = await contactPoint.PostAsync("bootstrap/seed-nodes", null);
            Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
        }

        // What Kubernetes' readiness probe asks: joined and routing, on every node.
        foreach (var node in started)
        {
            using var admin = new HttpClient { BaseAddress = node.AdminUrl, Timeout = TimeSpan.FromSeconds(10) };
            await Poll.UntilAsync(async () => (await admin.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK, $"{node.ClusterAddress} to turn ready");
        }
    }

    [Fact]
    public async Task A_node_that_cannot_meet_its_required_contact_points_forms_no_cluster_while_one_that_can_does()
    {
        // Both nodes list only themselves and start together with the same timings; only the required count differs.
        var lonelyPort = PortAllocator.Next();
        var alonePort = PortAllocator.Next();
        var recorder = new LogRecorder();
        await using var nodes = new ConfiguredNodes(output);
        var lonely = await nodes.StartAsync("lonely", Body("lonely", lonelyPort, $"\"127.0.0.1:{lonelyPort}\"", requiredContactPoints: 2), recorder);
        var alone = await nodes.StartAsync("alone", Body("alone", alonePort, $"\"127.0.0.1:{alonePort}\"", requiredContactPoints: 1));

        // The control: one contact point is enough for a node that needs one, so these timings do form a cluster.
        await Poll.UntilAsync(() => UpMembers(alone) == 1, "the node that needs one contact point to form its own cluster", FormDeadline);
        // The other node keeps deciding against forming one: wait for several of those decisions, then look.
        await Poll.UntilAsync(() => recorder.Count(TooFewContactPoints) >= 5, "five bootstrap decisions refusing to form a cluster with one of two contact points", FormDeadline);

        var cluster = Cluster.Get(lonely.System);
        Assert.Empty(cluster.State.Members);
        Assert.NotEqual(MemberStatus.Up, cluster.SelfMember.Status);
        using var admin = new HttpClient { BaseAddress = lonely.AdminUrl, Timeout = TimeSpan.FromSeconds(10) };
        using var ready = await admin.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(1, UpMembers(alone));
    }

    [Fact]
    public async Task A_taken_management_port_stops_the_node_start_naming_the_key()
    {
        var port = PortAllocator.Next();
        using var taken = new TcpListener(IPAddress.Loopback, port);
        taken.Start();
        await using var nodes = new ConfiguredNodes(output);
        var e = await Assert.ThrowsAsync<NodeStartException>(() => nodes.StartAsync("taken", Body("taken", port, $"\"127.0.0.1:{port}\"", requiredContactPoints: 1)));
        Assert.Contains($"cannot bind the management endpoint 127.0.0.1:{port} (clusterlb.cluster.management)", e.Message, StringComparison.Ordinal);
    }

    private static int UpMembers(ClusterLbNode node) => Cluster.Get(node.System).State.Members.Count(m => m.Status == MemberStatus.Up);

    // Fast bootstrap timings: a test cluster forms in a few seconds instead of the production stable-margin of 5 s.
    private string Body(string certificate, int managementPort, string contactPoints, int requiredContactPoints)
    {
        CertificateFactory.CreateNode(_certs.Path, _certs.Path, certificate, ["127.0.0.1", "localhost"]);
        return $$"""
            services.web.pools = [ { id = main, hosts = [ { id = b1, address = "{{_backend.Url}}" } ] } ]
            cluster {
              tls { certificate = "{{Path.Combine(_certs.Path, certificate + ".pfx")}}", ca = "{{Path.Combine(_certs.Path, "ca.crt")}}" }
              discovery {
                method = config
                required-contact-points = {{requiredContactPoints}}
                stable-margin = 1s
                interval = 200ms
                probe-interval = 300ms
                config.contact-points = [{{contactPoints}}]
              }
              management.port = {{managementPort}}
            }
            """;
    }
}
