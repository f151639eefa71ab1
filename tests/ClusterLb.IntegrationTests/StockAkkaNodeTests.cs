using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using ClusterLb.Hocon;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Runtime.Hosting;
using ClusterLb.Runtime.Security;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// A stock Akka.NET node, built from nothing but <c>clusterlb config akka</c>'s text, another port and its own
/// certificate from the cluster CA, joins a running ClusterLb node and shows in its <c>/cluster/status</c>; the
/// same node without TLS never does.
/// </summary>
[Collection(RegistryClusterCollection.Name)]
public sealed class StockAkkaNodeTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ConfiguredNodes _nodes = new(output);
    private readonly TempDirectory _certificates = TempDirectory.Create();
    private readonly List<ActorSystem> _stock = [];

    [Fact]
    public async Task A_stock_akka_node_from_the_rendered_config_joins_and_a_node_without_tls_never_does()
    {
        CertificateFactory.CreateCa(_certificates.Path, "stock-test-ca");
        var lbCertificate = CertificateFactory.CreateNode(_certificates.Path, _certificates.Path, "lb", ["127.0.0.1"]);
        var ca = Path.Combine(_certificates.Path, CertificateFactory.CaCertificateFile);
        var port = PortAllocator.Next();
        var cluster = $$"""cluster { port = {{port}}, seed-nodes = ["127.0.0.1:{{port}}"], tls { certificate = "{{lbCertificate}}", ca = "{{ca}}" } }""";
        var node = await _nodes.StartAsync("lb", cluster);
        using var admin = new HttpClient { BaseAddress = node.AdminUrl };
        await Poll.UntilAsync(async () => (await MembersAsync(admin)).Count == 1, "the ClusterLb node to be Up", TimeSpan.FromSeconds(30));

        // What an operator does: `clusterlb config akka --config node.conf`, then start any Akka.NET node from it.
        var text = AkkaNodeConfig.Render(
            ConfigFactory.ParseString($"clusterlb {{ node.name = stock, cluster.hostname = \"127.0.0.1\", {cluster} }}").WithFallback(ClusterLbConfigLoader.Load(null, useEnvironment: false)).Resolve(),
            _certificates.Path);
        var stockCertificate = CertificateFactory.CreateNode(_certificates.Path, _certificates.Path, "stock", ["127.0.0.1"]);
        var stock = Start(text, "", new DotNettySslSetup(X509CertificateLoader.LoadPkcs12FromFile(stockCertificate, null), false, true, TrustOnly(ca)));
        var stockAddress = Cluster.Get(stock).SelfAddress.ToString();
        await Poll.UntilAsync(async () => (await MembersAsync(admin)).GetValueOrDefault(stockAddress) == "Up",
            "the stock node to be Up in the ClusterLb node's /cluster/status", TimeSpan.FromSeconds(30));

        // The same text with TLS switched off: the handshake fails and the node never becomes a member.
        var plain = Start(text, "akka.remote.dot-netty.tcp.enable-ssl = off\nakka.cluster.seed-nodes = [\"akka.tcp://clusterlb@127.0.0.1:" + port + "\"]", null);
        var plainAddress = Cluster.Get(plain).SelfAddress.ToString();
        var plainStarted = DateTime.UtcNow;
        // "Never joins" is checked over several of Akka's join attempts (seed-node-timeout 5 s), failing at once if it does.
        await Poll.UntilAsync(async () =>
        {
            Assert.False((await MembersAsync(admin)).ContainsKey(plainAddress), "a node without TLS became a member");
            Assert.Empty(Cluster.Get(plain).State.Members);
            return DateTime.UtcNow - plainStarted > TimeSpan.FromSeconds(15);
        }, "the plain node to stay outside for three join attempts", TimeSpan.FromSeconds(30));
        var members = await MembersAsync(admin);
        Assert.Equal(2, members.Count);
        Assert.All(members.Values, status => Assert.Equal("Up", status));
    }

    private ActorSystem Start(string akkaText, string overrides, Setup? tls)
    {
        var config = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.port = 0\n" + overrides).WithFallback(ConfigurationFactory.ParseString(akkaText));
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));
        if (tls is not null)
        {
            setup = setup.And(tls);
        }
        var system = ActorSystem.Create("clusterlb", setup);
        _stock.Add(system);
        return system;
    }

    private static CertificateValidationCallback TrustOnly(string caFile)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
        return (certificate, _, _, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is not null && chain.Build(certificate);
        };
    }

    private static async Task<Dictionary<string, string>> MembersAsync(HttpClient admin)
    {
        var response = await admin.GetAsync("/cluster/status");
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("members").EnumerateArray()
            .ToDictionary(m => m.GetProperty("address").GetString()!, m => m.GetProperty("status").GetString()!);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var system in _stock)
        {
            await system.Terminate();
        }
        await _nodes.DisposeAsync();
        _certificates.Dispose();
    }
}
