using System.Net;
using System.Text.Json;
using ClusterLb.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary><c>GET /health/live</c> and <c>GET /health/ready</c> on the admin listener, answered from the node's own state.</summary>
public sealed class HealthProbeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_node_that_joined_itself_and_routes_is_live_and_ready_without_a_token()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));

        // Joining itself takes a moment after start; readiness waits for Up.
        await Poll.UntilAsync(async () => (await ProbeAsync(harness.Admin, "/health/ready")).Code == HttpStatusCode.OK, "the node to turn ready");
        var ready = await ProbeAsync(harness.Admin, "/health/ready");
        Assert.Equal("ready", ready.Status);
        var live = await ProbeAsync(harness.Admin, "/health/live");
        Assert.Equal((HttpStatusCode.OK, "live"), (live.Code, live.Status));

        using var post = await harness.Admin.PostAsync("/health/ready", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        using var head = new HttpRequestMessage(HttpMethod.Head, "/health/live");
        using var headAnswer = await harness.Admin.SendAsync(head);
        Assert.Equal(HttpStatusCode.OK, headAnswer.StatusCode);
    }

    [Fact]
    public async Task A_draining_node_turns_unready_while_it_stays_live_and_finishes_the_in_flight_request()
    {
        var backends = await NodeHarness.StartBackendsAsync("slow");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));
        await Poll.UntilAsync(async () => (await ProbeAsync(harness.Admin, "/health/ready")).Code == HttpStatusCode.OK, "the node to turn ready");

        var slow = harness.Client.GetAsync("/slow");
        await backends[0].SlowStarted;
        var shutdown = harness.Node.ShutdownAsync();

        // The admin listener stays open while the proxy drains (service-stop comes after service-unbind).
        await Poll.UntilAsync(async () => (await ProbeAsync(harness.Admin, "/health/ready")).Code == HttpStatusCode.ServiceUnavailable, "readiness to fail once the drain starts");
        var ready = await ProbeAsync(harness.Admin, "/health/ready");
        Assert.Equal("not-ready", ready.Status);
        Assert.Contains("draining", ready.Reason, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await ProbeAsync(harness.Admin, "/health/live")).Code);
        Assert.False(shutdown.IsCompleted, "shutdown must wait for the in-flight request");

        backends[0].ReleaseSlow();
        using var response = await slow;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await shutdown.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_node_whose_seeds_do_not_answer_is_live_but_not_ready_and_says_it_has_not_joined()
    {
        await using var backend = await TestBackend.StartAsync("b1");
        await using var nodes = new ConfiguredNodes(output);
        // The only seed is a port nobody listens on, so this node never becomes a member.
        var node = await nodes.StartAsync("lonely", $$"""
            services.web.pools = [ { id = main, hosts = [ { id = b1, address = "{{backend.Url}}" } ] } ]
            cluster { tls.enabled = off, seed-nodes = ["akka.tcp://clusterlb@127.0.0.1:{{PortAllocator.Next()}}"] }
            """);
        using var admin = new HttpClient { BaseAddress = node.AdminUrl, Timeout = TimeSpan.FromSeconds(10) };

        var ready = await ProbeAsync(admin, "/health/ready");
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "not-ready"), (ready.Code, ready.Status));
        Assert.Contains("not an Up cluster member", ready.Reason, StringComparison.Ordinal);
        var live = await ProbeAsync(admin, "/health/live");
        Assert.Equal((HttpStatusCode.OK, "live"), (live.Code, live.Status));
    }

    private static async Task<(HttpStatusCode Code, string Status, string Reason)> ProbeAsync(HttpClient admin, string path)
    {
        using var response = await admin.GetAsync(path);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, body.GetProperty("status").GetString()!, body.GetProperty("reason").GetString()!);
    }
}
