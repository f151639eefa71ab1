using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ClusterLb.Balancing.Registry;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Node.Hosting;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary><c>GET /events</c> on real nodes over real sockets: framing, access, shutdown, and the cluster-wide relay.</summary>
public sealed class AdminEventsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Token = "events-test-token";
    private static readonly TimeSpan FormDeadline = TimeSpan.FromSeconds(30);
    private readonly ConfiguredNodes _nodes = new(output);
    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync("b1");

    public async Task DisposeAsync()
    {
        await _nodes.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task A_client_receives_this_nodes_events_in_order_as_server_sent_events()
    {
        var node = await StartAsync("single", protectStatus: false);
        await using var client = await SseClient.ConnectAsync(node.AdminUrl);

        Assert.Equal("text/event-stream", client.Response.Content.Headers.ContentType?.MediaType);
        Assert.True(client.Response.Headers.CacheControl?.NoCache);
        Publish(node, "single", RegistryEvent.HostDown, "b1", "3 consecutive failures");
        Publish(node, "single", RegistryEvent.HostUp, "b1", "2 consecutive successes");

        var down = await client.NextEventAsync();
        var up = await client.NextEventAsync();

        Assert.Equal("host_down", down.Name);
        Assert.Equal("host_down", down.Json.GetProperty("kind").GetString());
        Assert.Equal("single", down.Json.GetProperty("node").GetString());
        Assert.Equal("main", down.Json.GetProperty("pool").GetString());
        Assert.Equal("b1", down.Json.GetProperty("host").GetString());
        Assert.Equal("3 consecutive failures", down.Json.GetProperty("detail").GetString());
        Assert.Equal("host_up", up.Name);
    }

    [Fact]
    public async Task Every_connected_client_gets_every_event()
    {
        var node = await StartAsync("single", protectStatus: false);
        await using var first = await SseClient.ConnectAsync(node.AdminUrl);
        await using var second = await SseClient.ConnectAsync(node.AdminUrl);

        Publish(node, "single", RegistryEvent.RegistryChanged, null, "pool-create blue");

        Assert.Equal("pool-create blue", (await first.NextEventAsync()).Json.GetProperty("detail").GetString());
        Assert.Equal("pool-create blue", (await second.NextEventAsync()).Json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Events_follow_protect_status_and_only_get_is_allowed()
    {
        var open = await StartAsync("open", protectStatus: false);
        await using (var anonymous = await SseClient.ConnectAsync(open.AdminUrl))
        {
            Assert.Equal(HttpStatusCode.OK, anonymous.Response.StatusCode);
        }

        var locked = await StartAsync("locked", protectStatus: true);
        await using (var refused = await SseClient.ConnectAsync(locked.AdminUrl))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.Response.StatusCode);
        }
        await using (var wrong = await SseClient.ConnectAsync(locked.AdminUrl, "not-the-token"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.Response.StatusCode);
        }
        await using var allowed = await SseClient.ConnectAsync(locked.AdminUrl, Token);
        Assert.Equal(HttpStatusCode.OK, allowed.Response.StatusCode);
        Publish(locked, "locked", RegistryEvent.HostDown, "b1", "down");
        Assert.Equal("host_down", (await allowed.NextEventAsync()).Name);

        using var admin = new HttpClient { BaseAddress = open.AdminUrl };
        using var post = await admin.PostAsync("/events", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        Assert.Equal(["GET", "HEAD"], post.Content.Headers.Allow.Order());
    }

    [Fact]
    public async Task Shutting_the_node_down_ends_an_open_stream()
    {
        var node = await StartAsync("single", protectStatus: false);
        await using var client = await SseClient.ConnectAsync(node.AdminUrl);

        var shutdown = node.ShutdownAsync();

        // The admin listener would wait for every open request; the stream must end for the node to stop.
        Assert.Null(await client.NextFrameAsync(TimeSpan.FromSeconds(20)));
        await shutdown.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_client_that_disconnects_does_not_disturb_the_others()
    {
        var node = await StartAsync("single", protectStatus: false);
        await using var staying = await SseClient.ConnectAsync(node.AdminUrl);
        var leaving = await SseClient.ConnectAsync(node.AdminUrl);
        await leaving.DisposeAsync();

        for (var i = 1; i <= 20; i++)
        {
            Publish(node, "single", RegistryEvent.RegistryChanged, null, $"change {i}");
        }

        for (var i = 1; i <= 20; i++)
        {
            Assert.Equal($"change {i}", (await staying.NextEventAsync()).Json.GetProperty("detail").GetString());
        }
        using var admin = new HttpClient { BaseAddress = node.AdminUrl };
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/status")).StatusCode);
    }

    [Fact]
    public async Task Clustered_every_node_streams_every_nodes_events_exactly_once()
    {
        var (ports, seeds) = ConfiguredNodes.Seeds(2);
        var first = await StartAsync("node1", protectStatus: false, $"cluster {{ port = {ports[0]}, seed-nodes = [{seeds}], tls.enabled = off }}");
        var second = await StartAsync("node2", protectStatus: false, $"cluster {{ port = {ports[1]}, seed-nodes = [{seeds}], tls.enabled = off }}");
        await WaitForMembersAsync(first, 2);
        await WaitForMembersAsync(second, 2);
        await using var onFirst = await SseClient.ConnectAsync(first.AdminUrl);
        await using var onSecond = await SseClient.ConnectAsync(second.AdminUrl);

        // The mediators learn their peers from gossip a little after /cluster/status shows them Up: wait until
        // each side has seen the other's events, then count from fresh markers.
        await WarmUpAsync(first, "node1", onSecond);
        await WarmUpAsync(second, "node2", onFirst);
        Publish(first, "node1", RegistryEvent.HostDown, "b1", "from node1");
        Publish(second, "node2", RegistryEvent.HostUp, "b1", "from node2");
        Publish(first, "node1", RegistryEvent.RegistryChanged, null, "end node1");
        Publish(second, "node2", RegistryEvent.RegistryChanged, null, "end node2");

        // Events from one node keep their order on every path, so a duplicate would arrive before that node's end marker.
        string[] expected = ["end node1", "end node2", "from node1", "from node2"];
        Assert.Equal(expected, (await DetailsUntilBothEndsAsync(onFirst)).Order(StringComparer.Ordinal));
        Assert.Equal(expected, (await DetailsUntilBothEndsAsync(onSecond)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Real_health_changes_and_api_writes_reach_the_stream()
    {
        var node = await StartAsync("single", protectStatus: false);
        using var api = new AdminClient(node.AdminUrl, Token);
        await Poll.UntilAsync(async () => HealthOfB1(await api.GetAsync("/api/pools/main")) == "up", "b1 to be up");
        await using var client = await SseClient.ConnectAsync(node.AdminUrl);

        await _backend.StopAsync();
        var down = await NextOfKindAsync(client, RegistryEvent.HostDown);
        await _backend.RestartAsync();
        var up = await NextOfKindAsync(client, RegistryEvent.HostUp);
        var added = await api.PostAsync("/api/pools/main/hosts", """{"id":"b2","address":"http://127.0.0.1:9","weight":2}""");
        var changed = await NextOfKindAsync(client, RegistryEvent.RegistryChanged);

        // Events name the node by its cluster address, as /cluster/status does.
        Assert.Equal((node.ClusterAddress, "web", "main", "b1"), Where(down));
        Assert.Equal((node.ClusterAddress, "web", "main", "b1"), Where(up));
        Assert.Equal(201, added.Status);
        Assert.Equal((node.ClusterAddress, "web", "main", "b2"), Where(changed));
        Assert.Contains("host added", changed.Json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Clustered_an_api_write_reaches_a_majority_every_nodes_stream_and_both_status_documents()
    {
        var (ports, seeds) = ConfiguredNodes.Seeds(2);
        var first = await StartAsync("node1", protectStatus: false, $"cluster {{ port = {ports[0]}, seed-nodes = [{seeds}], tls.enabled = off }}");
        var second = await StartAsync("node2", protectStatus: false, $"cluster {{ port = {ports[1]}, seed-nodes = [{seeds}], tls.enabled = off }}");
        await WaitForMembersAsync(first, 2);
        await WaitForMembersAsync(second, 2);
        using var api1 = new AdminClient(first.AdminUrl, Token);
        using var api2 = new AdminClient(second.AdminUrl, Token);
        await using var onSecond = await SseClient.ConnectAsync(second.AdminUrl);
        await WarmUpAsync(first, "node1", onSecond);

        var created = await api1.PostAsync("/api/pools", """{"id":"blue","service":"web","method":"random","priority":3}""");

        Assert.Equal(201, created.Status);
        Assert.Equal("majority", created.Str("consistency"));
        // Each node announces the change when it applies it; node2's stream shows both, each once.
        var announcedBy = new HashSet<string>();
        while (announcedBy.Count < 2)
        {
            var announced = await NextOfKindAsync(onSecond, RegistryEvent.RegistryChanged);
            Assert.Equal(("blue", "web"), (announced.Json.GetProperty("pool").GetString(), announced.Json.GetProperty("service").GetString()));
            Assert.True(announcedBy.Add(announced.Json.GetProperty("node").GetString()!), "one registry_changed per node");
        }

        // The write replicated: node2 serves the new pool from its own replica.
        var onNode2 = await api2.GetAsync("/api/pools/blue");
        Assert.Equal((200, "random", 3), (onNode2.Status, onNode2.Str("method"), onNode2.Body.GetProperty("priority").GetInt32()));

        // Both status documents carry the registry part next to their own fields. The version counter converges
        // by gossip too, so the document asserted on is the one that showed both nodes caught up.
        AdminAnswer clusterStatus = null!;
        await Poll.UntilAsync(async () =>
        {
            clusterStatus = await api1.GetAsync("/cluster/status");
            if (clusterStatus.Status != 200)
            {
                return false;
            }
            var registry = clusterStatus.Body.GetProperty("registry");
            var version = registry.GetProperty("version").GetInt64();
            return registry.GetProperty("nodes").EnumerateArray()
                .Count(n => n.GetProperty("lag").GetInt64() == 0 && n.GetProperty("version").GetInt64() == version
                    && announcedBy.Contains(n.GetProperty("node").GetString()!)) == 2;
        }, "/cluster/status to show both nodes caught up with the registry", FormDeadline);
        Assert.Equal(2, clusterStatus.Body.GetProperty("members").GetArrayLength());
        Assert.Equal(JsonValueKind.String, clusterStatus.Body.GetProperty("leader").ValueKind);
        using var status2 = new HttpClient { BaseAddress = second.AdminUrl };
        using var statusDocument = JsonDocument.Parse(await status2.GetStringAsync("/status"));
        Assert.True(statusDocument.RootElement.GetProperty("registry").GetProperty("version").GetInt64() >= 1);
    }

    private static async Task<SseEvent> NextOfKindAsync(SseClient client, string kind)
    {
        var skipped = new List<string>();
        for (var read = 0; read < 100; read++)
        {
            var e = await client.NextEventAsync(TimeSpan.FromSeconds(20));
            if (e.Name == kind)
            {
                Assert.Equal(kind, e.Json.GetProperty("kind").GetString());
                return e;
            }
            skipped.Add(e.Data);
        }
        throw new Xunit.Sdk.XunitException($"no {kind} event among 100; skipped: {string.Join(" | ", skipped.Take(5))}");
    }

    private static (string?, string?, string?, string?) Where(SseEvent e) =>
        (e.Json.GetProperty("node").GetString(), e.Json.GetProperty("service").GetString(), e.Json.GetProperty("pool").GetString(), e.Json.GetProperty("host").GetString());

    private static string? HealthOfB1(AdminAnswer pool) =>
        pool.Status == 200 ? pool.Body.GetProperty("hosts").EnumerateArray().Single(h => h.GetProperty("id").GetString() == "b1").GetProperty("health").GetString() : null;

    private static async Task WarmUpAsync(ClusterLbNode from, string name, SseClient to)
    {
        await Poll.UntilAsync(async () =>
        {
            Publish(from, name, RegistryEvent.RegistryChanged, null, $"warm-up {name}");
            // Bounded: events of other kinds may keep arriving, and Poll checks its deadline only between attempts.
            for (var read = 0; read < 50; read++)
            {
                SseEvent next;
                try
                {
                    next = await to.NextEventAsync(TimeSpan.FromMilliseconds(500));
                }
                catch (TimeoutException)
                {
                    return false;
                }
                if (next.Json.GetProperty("detail").GetString() == $"warm-up {name}")
                {
                    return true;
                }
            }
            return false;
        }, $"{name}'s events to reach the other node's client", FormDeadline);
    }

    /// <summary>Every event's detail but warm-ups, until both end markers have been seen.</summary>
    private static async Task<List<string>> DetailsUntilBothEndsAsync(SseClient client)
    {
        var details = new List<string>();
        while (!(details.Contains("end node1") && details.Contains("end node2")))
        {
            var detail = (await client.NextEventAsync()).Json.GetProperty("detail").GetString()!;
            if (!detail.StartsWith("warm-up", StringComparison.Ordinal))
            {
                details.Add(detail);
            }
        }
        return details;
    }

    private static void Publish(ClusterLbNode node, string name, string kind, string? host, string detail) =>
        node.System.EventStream.Publish(new RegistryEvent(kind, name, "web", "main", host, detail, DateTimeOffset.UtcNow));

    private async Task<ClusterLbNode> StartAsync(string name, bool protectStatus, string cluster = "") =>
        await _nodes.StartAsync(name, $$"""
            admin { token = "{{Token}}", protect-status = {{(protectStatus ? "on" : "off")}} }
            health-check { path = "/health", interval = 100ms }
            services.web.pools = [ { id = main, hosts = [ { id = b1, address = "{{_backend.Url}}" } ] } ]
            {{cluster}}
            """);

    private static async Task WaitForMembersAsync(ClusterLbNode node, int members)
    {
        using var admin = new HttpClient { BaseAddress = node.AdminUrl };
        await Poll.UntilAsync(async () =>
        {
            var response = await admin.GetAsync("/cluster/status");
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return json.RootElement.GetProperty("convergence").GetBoolean()
                && json.RootElement.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "Up") == members;
        }, $"{members} members Up with convergence", FormDeadline);
    }
}
