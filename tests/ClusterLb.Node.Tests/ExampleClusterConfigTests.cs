using ClusterLb.Hocon;
using ClusterLb.Node.Configuration;
using ClusterLb.Runtime.Hosting;

namespace ClusterLb.Node.Tests;

/// <summary><c>hocon/cluster-node1.conf</c> ... <c>cluster-node3.conf</c>: each valid, and together one loopback cluster.</summary>
public sealed class ExampleClusterConfigTests
{
    private static readonly string[] Files = [.. Enumerable.Range(1, 3).Select(i => Path.Combine(AppContext.BaseDirectory, "hocon", $"cluster-node{i}.conf"))];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Each_example_node_file_passes_config_check(int index)
    {
        var result = CliRunner.InProcess("config", "check", "--config", Files[index]);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Error);
        Assert.Contains("configuration is valid", result.Output);
    }

    [Fact]
    public void The_three_files_describe_one_cluster_with_distinct_nodes_and_the_same_seeds_and_services()
    {
        var configs = Files.Select(f => ClusterLbConfigLoader.Load(f, useEnvironment: false)).ToArray();
        var settings = configs.Select(NodeConfigReader.Read).ToArray();

        Assert.Equal(["lb-1", "lb-2", "lb-3"], settings.Select(s => s.Name));
        Assert.Equal(3, settings.Select(s => s.DataDirectory).Distinct().Count());

        var clusterPorts = configs.Select(c => c.GetInt("clusterlb.cluster.port")).ToArray();
        var everyPort = clusterPorts.Concat(settings.Select(s => s.Proxy.Http.Port)).Concat(settings.Select(s => s.Proxy.Admin.Port)).ToArray();
        Assert.Equal(everyPort.Length, everyPort.Distinct().Count());
        Assert.All(settings, s => Assert.Equal("127.0.0.1", s.Proxy.Http.Bind));

        // The same seed list, in the same order, everywhere, as Akka gets it: the three nodes' own TLS addresses,
        // node 1 first.
        var seeds = settings.Select((s, i) => string.Join(" ", AkkaSeeds(configs[i], s.DataDirectory))).Distinct().Single();
        Assert.Equal(string.Join(" ", clusterPorts.Select(p => $"akka.ssl.tcp://clusterlb@127.0.0.1:{p}")), seeds);

        var token = settings.Select(s => s.Proxy.AdminAccess.Token).Distinct().Single();
        Assert.False(string.IsNullOrEmpty(token));

        Assert.Single(configs.Select(c => c.GetConfig("clusterlb.services").ToJson()).Distinct());
        Assert.Single(configs.Select(c => c.GetConfig("clusterlb.health-check").ToJson()).Distinct());
        Assert.Equal(["demo"], settings[0].Balancing.Services.Select(s => s.Name));
    }

    private static IEnumerable<string> AkkaSeeds(Config config, string dataDirectory)
    {
        using var json = System.Text.Json.JsonDocument.Parse(AkkaNodeConfig.Render(config, dataDirectory, AkkaConfigFormat.Json));
        return json.RootElement.GetProperty("akka").GetProperty("cluster").GetProperty("seed-nodes").EnumerateArray().Select(e => e.GetString()!).ToList();
    }
}
