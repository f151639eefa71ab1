using System.Diagnostics;
using System.Text.Json;
using ClusterLb.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// A network partition between in-process nodes (Akka's throttler blackholes every link across the cut while the
/// connections stay up): Akka's split brain resolver, keep-majority, downs the minority side and only that side.
/// </summary>
[Collection(RegistryClusterCollection.Name)]
public sealed class PartitionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_three_two_partition_downs_the_two_and_leaves_the_three_serving_with_no_split_brain()
    {
        await using var backend = await TestBackend.StartAsync("b1");
        // A short stable-after keeps the test quick; the decision is the same as with the default 20 s.
        await using var cluster = await LbCluster.StartAsync(output, 5, $$"""
            cluster.split-brain-resolver { stable-after = 3s, down-all-when-unstable = off }
            health-check { path = "/health", interval = 200ms }
            services.web.pools = [ { id = main, hosts = [ { id = b1, address = "{{backend.Url}}" } ] } ]
            """);
        int[] majority = [0, 1, 2], minority = [3, 4];

        var clock = Stopwatch.StartNew();
        foreach (var a in majority)
        {
            foreach (var b in minority)
            {
                await cluster.PartitionAsync(a, b);
            }
        }

        // The minority sides down themselves: their actor systems stop (run-coordinated-shutdown-when-down).
        await Poll.UntilAsync(() => minority.All(i => cluster[i].WhenTerminated.IsCompleted),
            "both minority nodes to be downed by their own split brain resolver and stop", TimeSpan.FromSeconds(60));
        var minorityStopped = clock.Elapsed;

        // The majority removes them and converges as a cluster of three that still routes.
        var expected = majority.Select(cluster.Address).Order(StringComparer.Ordinal).ToArray();
        await Poll.UntilAsync(async () =>
        {
            foreach (var i in majority)
            {
                var view = await cluster.Api(i).GetAsync("/cluster/status");
                if (view.Status != 200 || !view.Body.GetProperty("convergence").GetBoolean() || !UpMembers(view.Body).SequenceEqual(expected))
                {
                    return false;
                }
            }
            return true;
        }, "the three majority nodes to converge on exactly themselves", TimeSpan.FromSeconds(60));
        output.WriteLine($"PARTITION 3|2: minority stopped after {minorityStopped.TotalSeconds:0.0} s, majority of three converged after {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var i in majority)
        {
            Assert.False(cluster[i].WhenTerminated.IsCompleted, $"majority node {i + 1} must keep running");
            using var response = await cluster.Proxy(i).GetAsync("/");
            Assert.True(response.IsSuccessStatusCode, $"majority node {i + 1} routes after the partition");
        }
    }

    private static string[] UpMembers(JsonElement view) =>
        [.. view.GetProperty("members").EnumerateArray()
            .Where(m => m.GetProperty("status").GetString() == "Up")
            .Select(m => m.GetProperty("address").GetString()!)
            .Order(StringComparer.Ordinal)];
}
