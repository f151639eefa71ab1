using ClusterLb.Hocon;
using ClusterLb.Runtime.Hosting;

namespace ClusterLb.Runtime.Tests.Hosting;

/// <summary>Seed addresses: full Akka form, short host:port form, the CLUSTER_SEEDS comma string, and refusals.</summary>
public sealed class SeedNodesTests : IDisposable
{
    private readonly TestConfig _files = new();

    public void Dispose() => _files.Dispose();

    private const string Plain = "clusterlb.cluster.tls.enabled = off\n";

    private IReadOnlyList<string> Seeds(string hocon) =>
        AkkaNodeConfig.Map(_files.Load(hocon), _files.DataDir, false, null).Config.GetStringList("akka.cluster.seed-nodes").ToList();

    [Fact]
    public void The_short_form_gets_the_plain_scheme_and_the_system_name_without_tls()
    {
        Assert.Equal(["akka.tcp://lb@lb1:4053", "akka.tcp://lb@10.0.0.2:4054"],
            Seeds(Plain + "clusterlb.cluster { system-name = lb, seed-nodes = [\"lb1:4053\", \"10.0.0.2:4054\"] }\n"));
    }

    [Fact]
    public void The_short_form_gets_the_ssl_scheme_with_tls()
    {
        var config = _files.Load("clusterlb.cluster { seed-nodes = [\"lb1:4053\"], tls { certificate = x.pfx, ca = ca.crt } }\n");
        Assert.Equal(["akka.ssl.tcp://clusterlb@lb1:4053"], SeedNodes.Read(config, "clusterlb", tls: true));
    }

    [Fact]
    public void Full_addresses_are_kept_and_ipv6_literals_work()
    {
        Assert.Equal(["akka.tcp://clusterlb@lb1:4053", "akka.tcp://clusterlb@[::1]:4055"],
            Seeds(Plain + "clusterlb.cluster.seed-nodes = [\"akka.tcp://clusterlb@lb1:4053\", \"[::1]:4055\"]\n"));
    }

    [Fact]
    public void A_comma_separated_string_is_a_list()
    {
        Assert.Equal(["akka.tcp://clusterlb@a:1", "akka.tcp://clusterlb@b:2"],
            Seeds(Plain + "clusterlb.cluster.seed-nodes = \"a:1, akka.tcp://clusterlb@b:2,\"\n"));
    }

    [Fact]
    public void CLUSTER_SEEDS_from_the_environment_is_split_on_commas()
    {
        // Only this test loads with the environment, so the variable reaches no other test.
        Environment.SetEnvironmentVariable("CLUSTER_SEEDS", "lb1:4053,lb2:4053");
        try
        {
            var config = _files.Load(Plain, useEnvironment: true);
            var seeds = AkkaNodeConfig.Map(config, _files.DataDir, false, null).Config.GetStringList("akka.cluster.seed-nodes");
            Assert.Equal(["akka.tcp://clusterlb@lb1:4053", "akka.tcp://clusterlb@lb2:4053"], seeds);
        }
        finally
        {
            Environment.SetEnvironmentVariable("CLUSTER_SEEDS", null);
        }
    }

    [Theory]
    [InlineData("akka.ssl.tcp://clusterlb@lb1:4053", "uses akka.ssl.tcp")]
    [InlineData("akka.tcp://other@lb1:4053", "names the actor system 'other'")]
    [InlineData("clb://clusterlb@lb1:4053", "scheme 'clb'")]
    [InlineData("lb1", "is not a seed address")]
    [InlineData("lb1:99999", "is not a seed address")]
    [InlineData("akka.tcp://lb1:4053", "has no system name")]
    public void A_seed_that_can_never_be_joined_is_refused_naming_key_file_line_and_column(string seed, string why)
    {
        var e = Assert.Throws<HoconException>(() => Seeds(Plain + "clusterlb.cluster.seed-nodes = [\n  \"ok:1\"\n  \"" + seed + "\"\n]\n"));
        Assert.Equal(_files.File, e.File);
        Assert.Equal(4, e.Line);
        Assert.True(e.Column > 0);
        Assert.Contains("clusterlb.cluster.seed-nodes", e.Message);
        Assert.Contains(why, e.Message);
        Assert.StartsWith($"{_files.File}:4:", e.Message);
    }

    [Fact]
    public void A_plain_seed_under_tls_is_refused()
    {
        var config = _files.Load("clusterlb.cluster.seed-nodes = [\"akka.tcp://clusterlb@lb1:4053\"]\n");
        var e = Assert.Throws<HoconException>(() => SeedNodes.Read(config, "clusterlb", tls: true));
        Assert.Contains("tls is enabled", e.Message);
        Assert.Equal(1, e.Line);
    }
}
