using ClusterLb.Hocon;
using ClusterLb.Runtime.Hosting;
using ClusterLb.Runtime.Security;

namespace ClusterLb.Runtime.Tests.Hosting;

/// <summary>When a node may run without TLS, and what it says when it may not.</summary>
public sealed class TlsPolicyTests : IDisposable
{
    private readonly TestConfig _files = new();

    public void Dispose() => _files.Dispose();

    private MappedAkkaConfig Map(string hocon) => AkkaNodeConfig.Map(_files.Load(hocon), _files.DataDir, false, null);

    [Fact]
    public void A_cluster_node_without_certificate_files_refuses_to_start_and_names_the_keys()
    {
        var e = Assert.Throws<HoconException>(() => Map("clusterlb.cluster.seed-nodes = [\"lb1:4053\"]\n"));
        Assert.Contains("clusterlb.cluster.tls.certificate", e.Message);
        Assert.Contains("clusterlb.cluster.tls.ca", e.Message);
        Assert.Contains("clusterlb.cluster.tls.enabled = off", e.Message);
    }

    [Fact]
    public void A_cluster_without_tls_must_be_asked_for_and_is_warned_about()
    {
        var mapped = Map("clusterlb.cluster { seed-nodes = [\"lb1:4053\"], tls.enabled = off }\n");
        Assert.False(mapped.TlsEnabled);
        Assert.Equal([ClusterTlsPolicy.PlainWarning], mapped.Warnings);
        Assert.Equal(["akka.tcp://clusterlb@lb1:4053"], mapped.Config.GetStringList("akka.cluster.seed-nodes"));
    }

    [Fact]
    public void A_seedless_node_bound_beyond_loopback_needs_tls_or_an_explicit_off()
    {
        var e = Assert.Throws<HoconException>(() => Map("clusterlb.cluster { hostname = \"10.1.2.3\" }\n"));
        Assert.Contains("without TLS", e.Message);
    }

    [Fact]
    public void Only_one_of_the_two_files_is_a_mistake()
    {
        var e = Assert.Throws<HoconException>(() => Map("clusterlb.cluster.tls.certificate = \"x.pfx\"\n"));
        Assert.Contains("clusterlb.cluster.tls.ca is not set", e.Message);
    }

    [Fact]
    public void With_both_files_remoting_is_mutual_tls_with_validation()
    {
        var mapped = Map("clusterlb.cluster { seed-nodes = [\"lb1:4053\"], tls { certificate = a.pfx, ca = ca.crt, validate-hostname = on } }\n");
        var c = mapped.Config;
        Assert.True(mapped.TlsEnabled);
        Assert.True(c.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.True(c.GetBoolean("akka.remote.dot-netty.tcp.ssl.require-mutual-authentication"));
        Assert.False(c.GetBoolean("akka.remote.dot-netty.tcp.ssl.suppress-validation", true));
        Assert.True(c.GetBoolean("akka.remote.dot-netty.tcp.ssl.validate-certificate-hostname"));
        Assert.Equal(["akka.ssl.tcp://clusterlb@lb1:4053"], c.GetStringList("akka.cluster.seed-nodes"));
    }

    [Fact]
    public void Build_reports_a_missing_certificate_file_by_name()
    {
        var e = Assert.Throws<HoconException>(() => AkkaNodeConfig.Build(
            _files.Load("clusterlb.cluster { seed-nodes = [\"lb1:4053\"], tls { certificate = missing.pfx, ca = missing.crt } }\n"), _files.DataDir));
        Assert.Contains(Path.GetFullPath("missing.crt"), e.Message);
    }
}
