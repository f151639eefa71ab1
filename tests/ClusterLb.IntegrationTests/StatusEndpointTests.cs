using System.Text.Json;
using ClusterLb.Balancing.Health;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Node.Hosting;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary><c>GET /status</c> on the admin listener, built by asking the actors.</summary>
public sealed class StatusEndpointTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Status_shows_node_services_pools_and_hosts()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2", "b3");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends, weights: [2, 1, 1]));
        await Poll.UntilAsync(async () =>
        {
            using var doc = await harness.StatusAsync();
            return Hosts(doc.RootElement).All(h => h.GetProperty("checked").GetBoolean());
        }, "every host to have been probed");

        await harness.SendAsync(4);
        backends[2].HealthStatus = 500;
        await harness.WaitForHealthAsync("b3", HostHealth.Down);

        using var status = await harness.StatusAsync();
        var root = status.RootElement;
        Assert.Equal("test-node", root.GetProperty("node").GetProperty("name").GetString());
        Assert.Equal(ClusterLbNode.Version, root.GetProperty("node").GetProperty("version").GetString());
        Assert.True(root.GetProperty("node").GetProperty("uptimeSeconds").GetDouble() > 0);
        Assert.Equal("degraded", root.GetProperty("status").GetString());
        Assert.Equal("2/3 hosts healthy", root.GetProperty("detail").GetString());

        var service = root.GetProperty("services")[0];
        Assert.Equal("web", service.GetProperty("name").GetString());
        Assert.Equal("2/3 hosts healthy", service.GetProperty("detail").GetString());
        Assert.Equal("main", service.GetProperty("activePool").GetString());
        var pool = service.GetProperty("pools")[0];
        Assert.Equal("round-robin (weighted)", pool.GetProperty("method").GetString());

        var hosts = Hosts(root).ToDictionary(h => h.GetProperty("id").GetString()!);
        Assert.Equal("up", hosts["b1"].GetProperty("health").GetString());
        Assert.Equal(2, hosts["b1"].GetProperty("weight").GetInt32());
        Assert.Equal(backends[0].Url.ToString(), hosts["b1"].GetProperty("address").GetString());
        Assert.True(hosts["b1"].GetProperty("lastCheckLatencyMs").GetDouble() > 0);
        Assert.Equal(0, hosts["b1"].GetProperty("inFlight").GetInt32());
        Assert.Equal(2, hosts["b1"].GetProperty("picks").GetInt64());
        Assert.True(hosts["b1"].GetProperty("latencyEwmaMs").GetDouble() > 0);
        Assert.Equal("down", hosts["b3"].GetProperty("health").GetString());
        Assert.True(hosts["b3"].GetProperty("consecutiveFailures").GetInt32() >= 3);
        Assert.Contains("500", hosts["b3"].GetProperty("lastCheckError").GetString());
        // The operator's state is apart from health: a host that fails its checks is still "up" for the operator.
        Assert.Equal("up", hosts["b3"].GetProperty("state").GetString());
    }

    [Fact]
    public async Task In_flight_requests_show_in_status()
    {
        var backends = await NodeHarness.StartBackendsAsync("slow");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));

        var slow = harness.Client.GetAsync("/slow");
        await backends[0].SlowStarted;
        using (var status = await harness.StatusAsync())
        {
            Assert.Equal(1, Hosts(status.RootElement).Single().GetProperty("inFlight").GetInt32());
        }
        backends[0].ReleaseSlow();
        (await slow).EnsureSuccessStatusCode();
        using var after = await harness.StatusAsync();
        Assert.Equal(0, Hosts(after.RootElement).Single().GetProperty("inFlight").GetInt32());
    }

    private static IEnumerable<JsonElement> Hosts(JsonElement root) =>
        root.GetProperty("services").EnumerateArray()
            .SelectMany(s => s.GetProperty("pools").EnumerateArray())
            .SelectMany(p => p.GetProperty("hosts").EnumerateArray())
            .ToList();
}
