using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterLb.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary><c>clusterlb demo</c> as a child process: a three-node cluster in one process, stopped by SIGTERM.</summary>
[Collection(ClusterProcessCollection.Name)]
public sealed partial class DemoProcessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_demo_runs_three_Up_nodes_that_each_route_and_stops_on_sigterm_with_exit_0()
    {
        using var demo = ClusterLbProcess.Start("demo", output, null, "demo", "--port", "0", "--admin-port", "0", "--cluster-port", "0");
        await demo.WaitForLineAsync(PressCtrlC(), TimeSpan.FromSeconds(120));
        var nodes = NodeLine().Matches(demo.Log).Select(m => (Proxy: new Uri(m.Groups[1].Value), Admin: new Uri(m.Groups[2].Value), Address: m.Groups[3].Value)).ToArray();
        Assert.Equal(3, nodes.Length);
        Assert.Matches(@"curl http://127\.0\.0\.1:\d+/cluster/status", demo.Log);

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string[] fingerprints = [];
        await Poll.UntilAsync(async () =>
        {
            var views = await Task.WhenAll(nodes.Select(async n => JsonDocument.Parse(await client.GetStringAsync(new Uri(n.Admin, "cluster/status"))).RootElement.Clone()));
            fingerprints = [.. views.Select(ProcessCluster.Fingerprint)];
            return views.All(v => v.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "Up") == 3)
                && fingerprints.Distinct().Count() == 1;
        }, "every demo node to list the same three Up members", TimeSpan.FromSeconds(60));
        foreach (var node in nodes)
        {
            Assert.Contains(node.Address, fingerprints[0]);
            Assert.StartsWith("Hello from demo-", await client.GetStringAsync(new Uri(node.Proxy, "hello")));
        }

        await demo.TerminateAsync();
        Assert.Equal(0, await demo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(3, demo.CountLines(NodeStopped()));
    }

    [Theory]
    [InlineData("Starting remoting")]
    [InlineData("Forming a cluster of 3 nodes")]
    public async Task A_sigterm_while_the_demo_starts_stops_it_cleanly_instead_of_being_lost(string startupLine)
    {
        using var demo = ClusterLbProcess.Start("demo-early-term", output, null, "demo", "--port", "0", "--admin-port", "0", "--cluster-port", "0");
        await demo.WaitForLineAsync(new Regex(Regex.Escape(startupLine)), TimeSpan.FromSeconds(120));

        await demo.TerminateAsync();

        // Well within the drain timeout (10 s) plus the cluster's leave: the signal was not lost.
        Assert.Equal(0, await demo.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotMatch(PressCtrlC(), demo.Log);
    }

    [Fact]
    public async Task Demo_with_one_node_runs_without_a_cluster()
    {
        using var demo = ClusterLbProcess.Start("demo-1", output, null, "demo", "--nodes", "1", "--port", "0", "--admin-port", "0");
        await demo.WaitForLineAsync(PressCtrlC(), TimeSpan.FromSeconds(120));
        var node = NodeLine().Match(demo.Log);
        Assert.True(node.Success, "the demo printed its node");
        Assert.Empty(node.Groups[3].Value);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Assert.StartsWith("Hello from demo-", await client.GetStringAsync(new Uri(new Uri(node.Groups[1].Value), "hello")));

        await demo.TerminateAsync();
        Assert.Equal(0, await demo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Demo_with_no_nodes_serves_the_three_backends_until_sigterm()
    {
        using var demo = ClusterLbProcess.Start("demo-0", output, null, "demo", "--nodes", "0", "--backend-port", "0");
        await demo.WaitForLineAsync(PressCtrlC(), TimeSpan.FromSeconds(120));
        var backends = BackendLine().Matches(demo.Log).Select(m => (Name: m.Groups[1].Value, Url: new Uri(m.Groups[2].Value))).ToArray();
        Assert.Equal(["demo-1", "demo-2", "demo-3"], backends.Select(b => b.Name));
        Assert.Empty(NodeLine().Matches(demo.Log));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var (name, url) in backends)
        {
            Assert.StartsWith($"Hello from {name} ", await client.GetStringAsync(new Uri(url, "hello")));
        }

        await demo.TerminateAsync();
        Assert.Equal(0, await demo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Demo_rejects_a_node_count_out_of_range_with_exit_2()
    {
        using var demo = ClusterLbProcess.Start("demo-bad", output, null, "demo", "--nodes", "12");
        Assert.Equal(2, await demo.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("--nodes: must be between 0 and 9 (was 12)", demo.Log);
    }

    [GeneratedRegex("Press Ctrl-C to stop")]
    private static partial Regex PressCtrlC();

    [GeneratedRegex(@"node \d:\s+proxy (http://\S+/)\s+admin (http://\S+/)(?:\s+cluster (akka(?:\.ssl)?\.tcp://\S+))?")]
    private static partial Regex NodeLine();

    [GeneratedRegex(@"backend:\s+(demo-\d) at (http://\S+)")]
    private static partial Regex BackendLine();

    [GeneratedRegex("Node stopped")]
    private static partial Regex NodeStopped();
}
