using ClusterLb.Hocon;
using ClusterLb.Runtime.Hosting;

namespace ClusterLb.Runtime.Tests.Hosting;

/// <summary>The shipped three-node example files map onto one TLS cluster with identical seed lists.</summary>
public sealed class ExampleConfigTests
{
    [Theory]
    [InlineData(1, 4053)]
    [InlineData(2, 4054)]
    [InlineData(3, 4055)]
    public void Each_example_node_is_a_tls_member_with_the_same_seeds(int node, int port)
    {
        var file = Path.Combine(AppContext.BaseDirectory, "hocon", $"cluster-node{node}.conf");
        var config = ClusterLbConfigLoader.Load(file, includeDefaults: true, useEnvironment: false);
        var mapped = AkkaNodeConfig.Map(config, ".data/lb-" + node, false, null);
        Assert.True(mapped.TlsEnabled);
        Assert.Equal(port, mapped.Config.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(
            ["akka.ssl.tcp://clusterlb@127.0.0.1:4053", "akka.ssl.tcp://clusterlb@127.0.0.1:4054", "akka.ssl.tcp://clusterlb@127.0.0.1:4055"],
            mapped.Config.GetStringList("akka.cluster.seed-nodes"));
        Assert.EndsWith(Path.Combine(".data", "certs", $"lb-{node}.pfx"), mapped.Tls.CertificatePath);
    }
}
