using System.Text.Json;
using ClusterLb.Balancing.Health;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Admin;
using ClusterLb.Proxy.Admin.Registry;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>The runtime admin API (<c>/api/services</c>, <c>/api/pools/...</c>) on a real node over real HTTP.</summary>
public sealed class RegistryApiTests(ITestOutputHelper output)
{
    private const string Token = "registry-api-token";

    [Fact]
    public async Task Services_pools_and_one_pool_are_read_with_health()
    {
        await using var harness = await StartAsync("b1");
        using var api = Api(harness);

        var services = await api.GetAsync("/api/services");
        var pools = await api.GetAsync("/api/pools");
        var main = await api.GetAsync("/api/pools/main");

        Assert.Equal(200, services.Status);
        var web = Assert.Single(services.Body.EnumerateArray());
        Assert.Equal("web", web.GetProperty("name").GetString());
        Assert.Equal(["main"], web.GetProperty("pools").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(200, pools.Status);
        Assert.Equal(JsonSerializer.Serialize(main.Body), JsonSerializer.Serialize(Assert.Single(pools.Body.EnumerateArray())));
        Assert.Equal(200, main.Status);
        Assert.Equal(("main", "web", "round-robin", 0), (main.Str("id"), main.Str("service"), main.Str("method"), main.Body.GetProperty("priority").GetInt32()));
        var host = Assert.Single(main.Body.GetProperty("hosts").EnumerateArray());
        Assert.Equal("b1", host.GetProperty("id").GetString());
        Assert.Equal(harness.Backends[0].Url, new Uri(host.GetProperty("address").GetString()!));
        Assert.Equal(1, host.GetProperty("weight").GetInt32());
        Assert.Equal("up", host.GetProperty("state").GetString());
        Assert.Equal("up", host.GetProperty("health").GetString());
        Assert.Equal(0, host.GetProperty("inFlight").GetInt64());
    }

    [Fact]
    public async Task A_pool_is_created_changed_and_deleted()
    {
        await using var harness = await StartAsync("b1");
        using var api = Api(harness);

        var created = await api.PostAsync("/api/pools", """{"id":"blue","service":"web","method":"random","priority":5}""");
        Assert.Equal(201, created.Status);
        Assert.Equal("/api/pools/blue", created.Location);
        Assert.Equal("majority", created.Str("consistency"));
        Assert.False(created.Body.TryGetProperty("warning", out _));
        Assert.Equal(("blue", "web", "random", 5), (created.Body.GetProperty("pool").GetProperty("id").GetString(), created.Body.GetProperty("pool").GetProperty("service").GetString(),
            created.Body.GetProperty("pool").GetProperty("method").GetString(), created.Body.GetProperty("pool").GetProperty("priority").GetInt32()));
        Assert.Empty(created.Body.GetProperty("pool").GetProperty("hosts").EnumerateArray());

        var updated = await api.PutAsync("/api/pools/blue", """{"method":"round-robin","priority":2}""");
        Assert.Equal(200, updated.Status);
        Assert.Equal(("round-robin", 2), (updated.Body.GetProperty("pool").GetProperty("method").GetString(), updated.Body.GetProperty("pool").GetProperty("priority").GetInt32()));
        var onlyPriority = await api.PutAsync("/api/pools/blue", """{"priority":3}""");
        Assert.Equal(("round-robin", 3), (onlyPriority.Body.GetProperty("pool").GetProperty("method").GetString(), onlyPriority.Body.GetProperty("pool").GetProperty("priority").GetInt32()));
        Assert.Equal(["main", "blue"], (await api.GetAsync("/api/pools")).Body.EnumerateArray().Select(p => p.GetProperty("id").GetString()));

        var deleted = await api.DeleteAsync("/api/pools/blue");
        Assert.Equal(200, deleted.Status);
        Assert.Equal("majority", deleted.Str("consistency"));
        Assert.Equal(JsonValueKind.Null, deleted.Body.GetProperty("pool").ValueKind);
        Assert.Equal(404, (await api.GetAsync("/api/pools/blue")).Status);
    }

    [Fact]
    public async Task A_host_is_added_reweighted_taken_down_drained_brought_up_and_removed()
    {
        await using var harness = await StartAsync("b1");
        await using var b2 = await TestBackend.StartAsync("b2");
        using var api = Api(harness);

        var added = await api.PostAsync("/api/pools/main/hosts", $$"""{"id":"b2","address":"{{b2.Url}}","weight":2}""");
        Assert.Equal(201, added.Status);
        Assert.Equal(("b2", 2, "up"), HostOf(added, "b2"));
        await harness.WaitForHealthAsync("b2", HostHealth.Up);

        var reweighted = await api.PutAsync("/api/pools/main/hosts/b2", """{"weight":3}""");
        Assert.Equal(200, reweighted.Status);
        Assert.Equal(("b2", 3, "up"), HostOf(reweighted, "b2"));

        var down = await api.PostAsync("/api/pools/main/hosts/b2/down");
        Assert.Equal(200, down.Status);
        Assert.Equal(("b2", 3, "down"), HostOf(down, "b2"));
        // An operator's down takes the host out of rotation though its checks pass.
        await harness.WaitForHealthAsync("b2", HostHealth.Down);
        Assert.Equal(10, (await harness.SendAsync(10)).GetValueOrDefault("b1"));

        Assert.Equal(("b2", 3, "drain"), HostOf(await api.PostAsync("/api/pools/main/hosts/b2/drain", "{}"), "b2"));
        Assert.Equal(("b2", 3, "up"), HostOf(await api.PostAsync("/api/pools/main/hosts/b2/up"), "b2"));
        await harness.WaitForHealthAsync("b2", HostHealth.Up);

        var removed = await api.DeleteAsync("/api/pools/main/hosts/b2");
        Assert.Equal(200, removed.Status);
        Assert.Equal(["b1"], removed.Body.GetProperty("pool").GetProperty("hosts").EnumerateArray().Select(h => h.GetProperty("id").GetString()));
        Assert.Equal(["b1"], (await api.GetAsync("/api/pools/main")).Body.GetProperty("hosts").EnumerateArray().Select(h => h.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Every_applied_change_is_in_the_audit_log_with_actor_target_fields_and_consistency()
    {
        await using var harness = await StartAsync("b1");
        using var api = Api(harness);

        Assert.Equal(201, (await api.PostAsync("/api/pools", """{"id":"blue","service":"web","method":"random","priority":1}""")).Status);
        Assert.Equal(201, (await api.PostAsync("/api/pools/blue/hosts", """{"id":"h1","address":"http://127.0.0.1:9","weight":4}""")).Status);
        Assert.Equal(200, (await api.PutAsync("/api/pools/blue/hosts/h1", """{"weight":5}""")).Status);
        Assert.Equal(200, (await api.PostAsync("/api/pools/blue/hosts/h1/down")).Status);
        Assert.Equal(200, (await api.DeleteAsync("/api/pools/blue/hosts/h1")).Status);
        Assert.Equal(200, (await api.PutAsync("/api/pools/blue", """{"priority":2}""")).Status);
        Assert.Equal(200, (await api.DeleteAsync("/api/pools/blue")).Status);
        // Refused requests leave no entry.
        Assert.Equal(409, (await api.PostAsync("/api/pools", """{"id":"main","service":"web","method":"random","priority":1}""")).Status);

        var audit = await api.GetAsync("/api/audit");

        var entries = audit.Body.GetProperty("entries").EnumerateArray().Where(e => e.GetProperty("actor").GetString() == RegistryEndpoints.AuditActor).ToList();
        Assert.Equal(
            [
                ("pool-create", "blue", "service=web method=random priority=1 consistency=majority"),
                ("host-add", "blue/h1", "address=http://127.0.0.1:9/ weight=4 consistency=majority"),
                ("host-update", "blue/h1", "weight=5 consistency=majority"),
                ("host-down", "blue/h1", "consistency=majority"),
                ("host-remove", "blue/h1", "consistency=majority"),
                ("pool-update", "blue", "priority=2 consistency=majority"),
                ("pool-delete", "blue", "consistency=majority"),
            ],
            entries.Select(e => (e.GetProperty("action").GetString(), e.GetProperty("target").GetString(), e.GetProperty("detail").GetString())));
        Assert.All(entries, e => Assert.Equal("test-node", e.GetProperty("node").GetString()));
    }

    [Theory]
    [InlineData("GET", "/api/services")]
    [InlineData("GET", "/api/pools")]
    [InlineData("GET", "/api/pools/main")]
    [InlineData("POST", "/api/pools")]
    [InlineData("PUT", "/api/pools/main")]
    [InlineData("DELETE", "/api/pools/main")]
    [InlineData("POST", "/api/pools/main/hosts")]
    [InlineData("PUT", "/api/pools/main/hosts/b1")]
    [InlineData("DELETE", "/api/pools/main/hosts/b1")]
    [InlineData("POST", "/api/pools/main/hosts/b1/down")]
    [InlineData("POST", "/api/pools/main/hosts/b1/up")]
    [InlineData("POST", "/api/pools/main/hosts/b1/drain")]
    public async Task Every_endpoint_refuses_a_request_without_the_token(string method, string path)
    {
        await using var harness = await StartAsync("b1");
        using var api = Api(harness);

        var answer = await api.SendAsync(new HttpMethod(method), path, """{"weight":2}""", withToken: false);

        Assert.Equal(401, answer.Status);
        Assert.Equal("unauthorized", answer.Str("error"));
        await AssertUnchangedAsync(api);
    }

    [Theory]
    // Body shape: malformed, not an object, too large is separate.
    [InlineData("POST", "/api/pools", "{\"id\":", "body", "malformed JSON")]
    [InlineData("POST", "/api/pools", "[]", "body", "must be a JSON object")]
    [InlineData("POST", "/api/pools", "", "body", "a JSON object is required")]
    [InlineData("PUT", "/api/pools/main", "{}", "body", "nothing to change")]
    // Missing, mistyped, unknown and repeated fields.
    [InlineData("POST", "/api/pools", """{"service":"web","method":"random","priority":1}""", "id", "required")]
    [InlineData("POST", "/api/pools", """{"id":"x","service":"web","method":"random","priority":"1"}""", "priority", "must be an integer")]
    [InlineData("POST", "/api/pools", """{"id":"x","service":"web","method":"fast","priority":1}""", "method", "'round-robin', 'random', 'least-request', 'p2c', 'peak-ewma', 'ip-hash' or 'hash'")]
    [InlineData("POST", "/api/pools", """{"id":"x","service":"web","method":"random","priority":1,"extra":1}""", "extra", "unknown field")]
    [InlineData("POST", "/api/pools", """{"id":"x","id":"y","service":"web","method":"random","priority":1}""", "id", "more than once")]
    [InlineData("POST", "/api/pools/main/hosts", """{"id":"h","address":"nope","weight":1}""", "address", "absolute http")]
    [InlineData("POST", "/api/pools/main/hosts", """{"id":"h","address":"http://127.0.0.1:9","weight":1.5}""", "weight", "must be an integer")]
    [InlineData("PUT", "/api/pools/main/hosts/b1", """{"weight":null}""", "weight", "(was null)")]
    [InlineData("POST", "/api/pools/main/hosts/b1/down", """{"force":true}""", "force", "takes no fields")]
    [InlineData("DELETE", "/api/pools/main", """{"cascade":true}""", "cascade", "takes no fields")]
    // Value rules, checked by the registry.
    [InlineData("POST", "/api/pools", """{"id":"has space","service":"web","method":"random","priority":1}""", "id", "letters, digits")]
    [InlineData("POST", "/api/pools", """{"id":"x","service":"nosuch","method":"random","priority":1}""", "service", "unknown service 'nosuch'")]
    [InlineData("POST", "/api/pools", """{"id":"x","service":"web","method":"random","priority":-1}""", "priority", "between 0 and 1000")]
    [InlineData("POST", "/api/pools/main/hosts", """{"id":"h","address":"http://127.0.0.1:9","weight":0}""", "weight", "between 1 and 1000")]
    [InlineData("PUT", "/api/pools/main/hosts/b1", """{"weight":1001}""", "weight", "between 1 and 1000")]
    public async Task Bad_requests_are_400_naming_the_field_and_change_nothing(string method, string path, string json, string field, string reason)
    {
        await using var harness = await StartAsync("b1");
        using var api = Api(harness);

        var answer = await api.SendAsync(new HttpMethod(method), path, json);

        Assert.Equal(400, answer.Status);
        Assert.Equal(("invalid", field), (answer.Str("error"), answer.Str("field")));
        Assert.Contains(reason, answer.Str("reason"));
        await AssertUnchangedAsync(api);
    }

    [Theory]
    [InlineData("GET", "/api/pools/nosuch", null, "pool")]
    [InlineData("PUT", "/api/pools/nosuch", """{"priority":1}""", null)]
    [InlineData("DELETE", "/api/pools/nosuch", null, null)]
    [InlineData("POST", "/api/pools/nosuch/hosts", """{"id":"h","address":"http://127.0.0.1:9","weight":1}""", null)]
    [InlineData("PUT", "/api/pools/main/hosts/nosuch", """{"weight":2}""", null)]
    [InlineData("DELETE", "/api/pools/main/hosts/nosuch", null, null)]
    [InlineData("POST", "/api/pools/main/hosts/nosuch/down", null, null)]
    [InlineData("POST", "/api/pools/nosuch/hosts/b1/up", null, null)]
    public async Task Unknown_pools_and_hosts_are_404(string method, string path, string? json, string? field)
    {
        await using var harness = await StartAsync("b1");
        using var api = Api(harness);

        var answer = await api.SendAsync(new HttpMethod(method), path, json);

        Assert.Equal(404, answer.Status);
        Assert.Equal(("not-found", field), (answer.Str("error"), answer.Str("field")));
        Assert.Contains("nosuch", answer.Str("reason"));
        await AssertUnchangedAsync(api);
    }

    [Fact]
    public async Task Existing_ids_are_409()
    {
        await using var harness = await StartAsync("b1");
        using var api = Api(harness);

        var pool = await api.PostAsync("/api/pools", """{"id":"main","service":"web","method":"random","priority":1}""");
        var host = await api.PostAsync("/api/pools/main/hosts", """{"id":"b1","address":"http://127.0.0.1:9","weight":1}""");

        Assert.Equal((409, "conflict", "id"), (pool.Status, pool.Str("error"), pool.Str("field")));
        Assert.Equal((409, "conflict", "id"), (host.Status, host.Str("error"), host.Str("field")));
        await AssertUnchangedAsync(api);
    }

    [Theory]
    [InlineData("DELETE", "/api/services", "GET, HEAD")]
    [InlineData("PUT", "/api/pools", "GET, HEAD, POST")]
    [InlineData("POST", "/api/pools/main", "GET, HEAD, PUT, DELETE")]
    [InlineData("GET", "/api/pools/main/hosts", "POST")]
    [InlineData("GET", "/api/pools/main/hosts/b1", "PUT, DELETE")]
    [InlineData("PUT", "/api/pools/main/hosts/b1/down", "POST")]
    public async Task A_wrong_method_is_405_with_allow(string method, string path, string allow)
    {
        await using var harness = await StartAsync("b1");
        using var api = Api(harness);

        var answer = await api.SendAsync(new HttpMethod(method), path, method is "GET" or "DELETE" ? null : """{"weight":2}""");

        Assert.Equal(405, answer.Status);
        Assert.Equal("method-not-allowed", answer.Str("error"));
        Assert.Equal(allow.Split(", ").Order(), answer.Allow.Order());
        await AssertUnchangedAsync(api);
    }

    [Fact]
    public async Task Oversized_and_non_json_bodies_are_refused_and_unknown_paths_are_404()
    {
        await using var harness = await StartAsync("b1");
        using var api = Api(harness);

        var big = $$"""{"id":"x","service":"web","method":"random","priority":1,"pad":"{{new string('x', JsonBodyReader.MaxBodyBytes)}}"}""";
        var tooLarge = await api.PostAsync("/api/pools", big);
        var notJson = await api.SendAsync(HttpMethod.Post, "/api/pools", """{"id":"x","service":"web","method":"random","priority":1}""", contentType: "text/plain");
        var unknown = await api.GetAsync("/api/pools/main/hosts/b1/reboot");

        Assert.Equal((413, "too-large", "body"), (tooLarge.Status, tooLarge.Str("error"), tooLarge.Str("field")));
        Assert.Equal((415, "unsupported-media-type", "body"), (notJson.Status, notJson.Str("error"), notJson.Str("field")));
        Assert.Equal((404, "not-found"), (unknown.Status, unknown.Str("error")));
        await AssertUnchangedAsync(api);
    }

    [Fact]
    public async Task Status_shows_the_registry_version_and_this_nodes_lag()
    {
        await using var harness = await StartAsync("b1");
        using var api = Api(harness);
        var before = await RegistryVersionAsync(harness);

        Assert.Equal(201, (await api.PostAsync("/api/pools", """{"id":"blue","service":"web","method":"random","priority":1}""")).Status);

        await Poll.UntilAsync(async () =>
        {
            using var status = await harness.StatusAsync();
            var registry = status.RootElement.GetProperty("registry");
            return registry.GetProperty("version").GetInt64() > before
                && registry.GetProperty("nodes").EnumerateArray().Single().GetProperty("lag").GetInt64() == 0;
        }, "/status to show the new registry version, applied by this node");
        using var after = await harness.StatusAsync();
        var node = after.RootElement.GetProperty("registry").GetProperty("nodes").EnumerateArray().Single();
        Assert.Equal(harness.Node.ClusterAddress, node.GetProperty("node").GetString());
        Assert.Equal(after.RootElement.GetProperty("registry").GetProperty("version").GetInt64(), node.GetProperty("version").GetInt64());
        // The existing fields are still there.
        Assert.Equal("test-node", after.RootElement.GetProperty("node").GetProperty("name").GetString());
        Assert.Equal("web", after.RootElement.GetProperty("services")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_pools_method_and_options_change_through_put_and_show_in_the_pool_and_the_status()
    {
        await using var harness = await StartAsync("b1");
        using var api = Api(harness);

        var changed = await api.PutAsync("/api/pools/main", """
            {"method":"hash","hash-key":"header:X-User","hash-balance-factor":1.5,"slow-start":"30s","panic-threshold":40,
             "affinity":{"type":"sticky-cookie","cookie-name":"lb","same-site":"strict","max-age":"1h"}}
            """);
        Assert.Equal(200, changed.Status);

        var pool = (await api.GetAsync("/api/pools/main")).Body;
        Assert.Equal("hash", pool.GetProperty("method").GetString());
        var options = pool.GetProperty("options");
        Assert.Equal(("header:X-User", 1.5, "30s", 40), (options.GetProperty("hash-key").GetString(), options.GetProperty("hash-balance-factor").GetDouble(),
            options.GetProperty("slow-start").GetString(), options.GetProperty("panic-threshold").GetInt32()));
        var affinity = options.GetProperty("affinity");
        Assert.Equal(("sticky-cookie", "lb", "strict", "1h", true), (affinity.GetProperty("type").GetString(), affinity.GetProperty("cookie-name").GetString(),
            affinity.GetProperty("same-site").GetString(), affinity.GetProperty("max-age").GetString(), affinity.GetProperty("http-only").GetBoolean()));

        // The router follows: /status shows the pool's method and options, and a request gets the sticky cookie.
        await Poll.UntilAsync(async () =>
        {
            using var status = await harness.StatusAsync();
            var shown = status.RootElement.GetProperty("services").EnumerateArray().Single().GetProperty("pools").EnumerateArray().Single();
            return shown.GetProperty("method").GetString() == "hash" && shown.GetProperty("options").TryGetProperty("hash-key", out var key) && key.GetString() == "header:X-User";
        }, "/status to show method hash with its key");
        var response = await harness.Client.GetAsync("/");
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("lb=", StringComparison.Ordinal) && c.Contains("SameSite=Strict"));

        // A partial update keeps the other options; an affinity object replaces the whole affinity.
        Assert.Equal(200, (await api.PutAsync("/api/pools/main", """{"panic-threshold":0,"affinity":{"type":"none"}}""")).Status);
        var after = (await api.GetAsync("/api/pools/main")).Body.GetProperty("options");
        Assert.Equal("header:X-User", after.GetProperty("hash-key").GetString());
        Assert.False(after.TryGetProperty("panic-threshold", out _));
        Assert.False(after.TryGetProperty("affinity", out _));
    }

    [Fact]
    public async Task Load_scope_cluster_set_through_put_shows_in_the_pool_and_the_status_and_reaches_the_routers_policy()
    {
        await using var harness = await StartAsync("b1");
        using var api = Api(harness);

        Assert.Equal(200, (await api.PutAsync("/api/pools/main", """{"method":"least-request","load-scope":"cluster"}""")).Status);
        Assert.Equal("cluster", (await api.GetAsync("/api/pools/main")).Body.GetProperty("options").GetProperty("load-scope").GetString());
        await Poll.UntilAsync(async () =>
        {
            using var status = await harness.StatusAsync();
            var shown = status.RootElement.GetProperty("services").EnumerateArray().Single().GetProperty("pools").EnumerateArray().Single();
            return shown.GetProperty("options").TryGetProperty("load-scope", out var scope) && scope.GetString() == "cluster"
                && harness.Node.Handles["web"].Snapshot.Pools[0].Policy is Balancing.Algorithms.LeastRequestPolicy { Scope: Balancing.Settings.LoadScope.Cluster };
        }, "/status and the router to follow load-scope = cluster");

        // node is the default: it is not shown.
        Assert.Equal(200, (await api.PutAsync("/api/pools/main", """{"load-scope":"node"}""")).Status);
        Assert.False((await api.GetAsync("/api/pools/main")).Body.GetProperty("options").TryGetProperty("load-scope", out _));
        await Poll.UntilAsync(() => harness.Node.Handles["web"].Snapshot.Pools[0].Policy is Balancing.Algorithms.LeastRequestPolicy { Scope: Balancing.Settings.LoadScope.Node },
            "the router to go back to node scope");
    }

    [Theory]
    [InlineData("""{"method":"fastest"}""", "method")]
    [InlineData("""{"method":"hash"}""", "hash-key")]
    [InlineData("""{"hash-key":"body"}""", "hash-key")]
    [InlineData("""{"hash-key":5}""", "hash-key")]
    [InlineData("""{"hash-balance-factor":0.5}""", "hash-balance-factor")]
    [InlineData("""{"slow-start":"soon"}""", "slow-start")]
    [InlineData("""{"panic-threshold":150}""", "panic-threshold")]
    [InlineData("""{"affinity":{"type":"sticky"}}""", "affinity")]
    [InlineData("""{"affinity":{"type":"sticky-cookie","cookie-name":"a b"}}""", "affinity.cookie-name")]
    [InlineData("""{"affinity":{"type":"client-ip","timeout":"0s"}}""", "affinity.timeout")]
    [InlineData("""{"hash_key":"path"}""", "hash_key")]
    [InlineData("""{"load-scope":"everywhere"}""", "load-scope")]
    [InlineData("""{"load-scope":1}""", "load-scope")]
    public async Task A_bad_method_or_option_gets_a_400_naming_it_and_changes_nothing(string body, string field)
    {
        await using var harness = await StartAsync("b1");
        using var api = Api(harness);

        var answer = await api.PutAsync("/api/pools/main", body);

        Assert.Equal(400, answer.Status);
        Assert.Contains(field, answer.ToString());
        await AssertUnchangedAsync(api);
    }

    private async Task<NodeHarness> StartAsync(params string[] backendNames)
    {
        var backends = await NodeHarness.StartBackendsAsync(backendNames);
        var proxy = ProxySettings.Loopback with { Http2 = null, AdminAccess = new AdminAccessSettings(Token, ProtectStatus: false) };
        var harness = await NodeHarness.StartAsync(output, backends, proxy,
            new Balancing.Settings.ServiceSettings("web", Balancing.Settings.ServiceMatch.Any, [NodeHarness.Pool("main", 0, backends)]));
        await harness.WaitForHealthAsync("b1", HostHealth.Up);
        return harness;
    }

    private static AdminClient Api(NodeHarness harness) => new(harness.Node.AdminUrl, Token);

    private static async Task<long> RegistryVersionAsync(NodeHarness harness)
    {
        using var status = await harness.StatusAsync();
        return status.RootElement.GetProperty("registry").GetProperty("version").GetInt64();
    }

    private static (string?, int, string?) HostOf(AdminAnswer answer, string id)
    {
        var host = answer.Body.GetProperty("pool").GetProperty("hosts").EnumerateArray().Single(h => h.GetProperty("id").GetString() == id);
        return (host.GetProperty("id").GetString(), host.GetProperty("weight").GetInt32(), host.GetProperty("state").GetString());
    }

    /// <summary>The seeded registry is untouched: one pool <c>main</c> with host b1, weight 1, up; no admin audit entry.</summary>
    private static async Task AssertUnchangedAsync(AdminClient api)
    {
        var pools = await api.GetAsync("/api/pools");
        var pool = Assert.Single(pools.Body.EnumerateArray());
        Assert.Equal(("main", "round-robin", 0), (pool.GetProperty("id").GetString(), pool.GetProperty("method").GetString(), pool.GetProperty("priority").GetInt32()));
        var host = Assert.Single(pool.GetProperty("hosts").EnumerateArray());
        Assert.Equal(("b1", 1, "up"), (host.GetProperty("id").GetString(), host.GetProperty("weight").GetInt32(), host.GetProperty("state").GetString()));
        var audit = await api.GetAsync("/api/audit");
        Assert.DoesNotContain(audit.Body.GetProperty("entries").EnumerateArray(), e => e.GetProperty("actor").GetString() == RegistryEndpoints.AuditActor);
    }
}
