using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using System.Security.Cryptography.X509Certificates;
using ClusterLb.Runtime.Hosting;
using ClusterLb.Backend;
using ClusterLb.Runtime.Security;
using Xunit.Abstractions;

namespace ClusterLb.Runtime.Tests.Hosting;

/// <summary>
/// Real nodes over loopback sockets: the cluster forms over mutual TLS, nodes without a certificate from the
/// cluster's CA never become members and leave the cluster undisturbed, and a stock Akka.NET node started from
/// <see cref="AkkaNodeConfig.Render"/>'s text joins.
/// </summary>
public sealed class TlsClusterTests(TlsClusterFixture cluster, ITestOutputHelper output) : IClassFixture<TlsClusterFixture>
{
    [Fact]
    public void Two_nodes_with_certificates_from_one_ca_form_a_cluster_over_ssl()
    {
        Assert.Equal("akka.ssl.tcp", Cluster.Get(cluster.A).SelfAddress.Protocol);
        Assert.Equal("akka.ssl.tcp", Cluster.Get(cluster.B).SelfAddress.Protocol);
        cluster.AssertUndisturbed();
        output.WriteLine($"TLS node A up (build + start + self-join): {cluster.FirstNodeUp.TotalMilliseconds:0} ms; B joined and Up: {cluster.SecondNodeUp.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task A_node_with_a_certificate_from_another_ca_is_refused_by_the_cluster()
    {
        // The intruder trusts the cluster CA (its certificate is public) but holds a certificate from another CA:
        // the cluster's side of the handshake must refuse it.
        CertificateFactory.CreateNode(cluster.ForeignCa, cluster.ForeignCa, "intruder", ["127.0.0.1"]);
        using var clusterCa = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(cluster.ClusterCa, "ca.crt")));
        var log = new RecordingLoggerFactory();
        var intruder = cluster.Start(
            cluster.Node("intruder", cluster.ForeignCa, $"127.0.0.1:{cluster.PortA}"), log,
            setup => setup.And(new DotNettySslSetup(
                X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(cluster.ForeignCa, "intruder.pfx"), null),
                suppressValidation: false, requireMutualAuthentication: true, ClusterCaValidator.Create(clusterCa, false))));

        await Eventually.True(() => cluster.LogA.Lines.Any(l => l.Contains("Refused TLS peer") && l.Contains("CN=intruder")),
            TlsClusterFixture.Deadline, "A logs that it refused the intruder's certificate");
        Assert.DoesNotContain(Cluster.Get(intruder).State.Members, m => m.Status == MemberStatus.Up);
        cluster.AssertUndisturbed();
        await intruder.Terminate();
    }

    [Fact]
    public async Task A_node_that_trusts_only_another_ca_refuses_the_cluster_and_stops_itself_with_exit_code_79()
    {
        CertificateFactory.CreateNode(cluster.ForeignCa, cluster.ForeignCa, "outsider", ["127.0.0.1"]);
        var outsider = cluster.Start(cluster.Node("outsider", cluster.ForeignCa, $"127.0.0.1:{cluster.PortA}"), new RecordingLoggerFactory());

        // Akka (>= 1.5.50) runs CoordinatedShutdown when a handshake fails on the node's own outbound side.
        await outsider.WhenTerminated.WaitAsync(TlsClusterFixture.Deadline);
        Assert.Equal(79, CoordinatedShutdown.Get(outsider).ShutdownReason!.ExitCode);
        cluster.AssertUndisturbed();
    }

    [Fact]
    public async Task A_node_without_tls_is_refused_and_the_cluster_is_not_disturbed()
    {
        var before = cluster.LogA.Lines.Count;
        var plain = cluster.Start(cluster.Node("a", cluster.ClusterCa, $"127.0.0.1:{cluster.PortA}", "clusterlb.cluster.tls.enabled = off"), new RecordingLoggerFactory());
        Assert.Equal("akka.tcp", Cluster.Get(plain).SelfAddress.Protocol);

        await Eventually.True(() => cluster.LogA.Lines.Skip(before).Any(l => l.Contains("TLS handshake failure") || l.Contains("TLS handshake failed")),
            TlsClusterFixture.Deadline, "A logs the plain connection's failed TLS handshake");
        Assert.DoesNotContain(Cluster.Get(plain).State.Members, m => m.Status == MemberStatus.Up);
        cluster.AssertUndisturbed();
        await plain.Terminate();
    }

    [Fact]
    public async Task A_backend_member_with_a_certificate_from_the_cluster_ca_joins_through_ClusterTls_and_one_from_another_ca_does_not()
    {
        // A backend service's actor system: plain Akka HOCON plus ClusterLb.Backend's ClusterTls, as docs/discovery.md shows.
        ActorSystem Backend(string caDir, string name)
        {
            var pfx = CertificateFactory.CreateNode(caDir, caDir, name, ["127.0.0.1"]);
            var config = ConfigurationFactory.ParseString($$"""
                akka.actor.provider = cluster
                akka.remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0, enable-ssl = on }
                akka.cluster { roles = ["backend:web"], seed-nodes = ["akka.ssl.tcp://clusterlb@127.0.0.1:{{cluster.PortA}}"] }
                """);
            // The CA every member trusts is the cluster's, whatever CA issued the member's own certificate.
            var setup = BootstrapSetup.Create().WithConfig(config).And(ClusterTls.Load(pfx, null, Path.Combine(cluster.ClusterCa, "ca.crt")));
            return cluster.Track(ActorSystem.Create("clusterlb", setup));
        }

        var backend = Backend(cluster.ClusterCa, "backend");
        var address = Cluster.Get(backend).SelfAddress;
        await Eventually.True(() => Cluster.Get(cluster.A).State.Members.Any(m => m.Address == address && m.Status == MemberStatus.Up && m.HasRole("backend:web")),
            TlsClusterFixture.Deadline, "the backend is Up in A's view, with its role");

        var intruder = Backend(cluster.ForeignCa, "intruder-backend");
        await Eventually.True(() => cluster.LogA.Lines.Any(l => l.Contains("Refused TLS peer") && l.Contains("CN=intruder-backend")),
            TlsClusterFixture.Deadline, "A refuses the backend whose certificate another CA issued");
        Assert.DoesNotContain(Cluster.Get(cluster.A).State.Members, m => m.Address == Cluster.Get(intruder).SelfAddress);

        await Cluster.Get(backend).LeaveAsync().WaitAsync(TlsClusterFixture.Deadline);
        await Eventually.True(() => new[] { cluster.A, cluster.B }.All(s => Cluster.Get(s).State.Members.All(m => m.Address != address)),
            TlsClusterFixture.Deadline, "the backend removed from A's and B's view after leaving");
        await intruder.Terminate();
        cluster.AssertUndisturbed();
    }

    [Fact]
    public async Task A_stock_akka_node_started_from_the_rendered_config_joins()
    {
        // Only Akka.NET API here: the text, another port, and an SslSetup with a certificate from the cluster CA
        // (an RSA one, so mixed key types are covered too).
        var pfx = CertificateFactory.CreateNode(cluster.ClusterCa, cluster.ClusterCa, "stock", ["127.0.0.1"], algorithm: CertificateKeyAlgorithm.Rsa2048);
        var text = AkkaNodeConfig.Render(cluster.ConfigB, cluster.DataDir, AkkaConfigFormat.Hocon);
        var config = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.port = 0").WithFallback(ConfigurationFactory.ParseString(text));
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(cluster.ClusterCa, "ca.crt")));
        CertificateValidationCallback trustClusterCa = (certificate, _, _, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is not null && chain.Build(certificate);
        };
        var setup = BootstrapSetup.Create().WithConfig(config)
            .And(new DotNettySslSetup(X509CertificateLoader.LoadPkcs12FromFile(pfx, null), false, true, trustClusterCa));
        var stock = cluster.Track(ActorSystem.Create("clusterlb", setup));
        var stockAddress = Cluster.Get(stock).SelfAddress;

        await Eventually.True(() => Cluster.Get(cluster.A).State.Members.Any(m => m.Address == stockAddress && m.Status == MemberStatus.Up),
            TlsClusterFixture.Deadline, "the stock node is Up in A's view");

        await Cluster.Get(stock).LeaveAsync().WaitAsync(TlsClusterFixture.Deadline);
        await Eventually.True(() => new[] { cluster.A, cluster.B }.All(s => Cluster.Get(s).State.Members.All(m => m.Address != stockAddress)),
            TlsClusterFixture.Deadline, "the stock node is removed from A's and B's view after leaving");
        cluster.AssertUndisturbed();
    }
}
