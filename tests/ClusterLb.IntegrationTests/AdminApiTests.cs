using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Admin;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>The admin API on a real node over real sockets: the bearer token, <c>/api/audit</c>, and the audit log across restarts.</summary>
public sealed class AdminApiTests(ITestOutputHelper output)
{
    private const string Token = "s3cret-admin-token";

    [Fact]
    public async Task Without_a_configured_token_the_api_is_disabled_but_status_stays_open()
    {
        await using var harness = await StartAsync(AdminAccessSettings.Disabled);

        using var response = await Get(harness, "/api/audit", token: "anything");

        await AssertUnauthorizedAsync(response, BearerTokenCheck.DisabledReason);
        Assert.Equal(HttpStatusCode.OK, (await Get(harness, "/status")).StatusCode);
    }

    [Theory]
    [InlineData(null, "missing Authorization header")]
    [InlineData("wrong-token", "wrong admin token")]
    [InlineData(Token + "x", "wrong admin token")]
    public async Task A_missing_or_wrong_token_gets_401(string? token, string reason)
    {
        await using var harness = await StartAsync(new AdminAccessSettings(Token, ProtectStatus: false));

        await AssertUnauthorizedAsync(await Get(harness, "/api/audit", token), reason);
        await AssertUnauthorizedAsync(await Get(harness, "/api/unknown", token), reason);
    }

    [Fact]
    public async Task The_audit_page_shows_the_node_start_entry()
    {
        await using var harness = await StartAsync(new AdminAccessSettings(Token, ProtectStatus: false));

        using var response = await Get(harness, "/api/audit", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var entry = Assert.Single(json.RootElement.GetProperty("entries").EnumerateArray());
        Assert.Equal(1, entry.GetProperty("sequenceNr").GetInt64());
        Assert.Equal("test-node", entry.GetProperty("node").GetString());
        Assert.Equal("system", entry.GetProperty("actor").GetString());
        Assert.Equal("node-start", entry.GetProperty("action").GetString());
        Assert.Equal("-", entry.GetProperty("target").GetString());
        Assert.Equal("", entry.GetProperty("detail").GetString());
        var age = DateTimeOffset.UtcNow - entry.GetProperty("timestamp").GetDateTimeOffset();
        Assert.InRange(age, TimeSpan.Zero - TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));
        Assert.Equal(2, json.RootElement.GetProperty("nextFrom").GetInt64());
        Assert.Equal(1, json.RootElement.GetProperty("highest").GetInt64());
    }

    [Theory]
    [InlineData("?max=0", "'max'", "from 1 to 1000")]
    [InlineData("?max=abc", "'max'", "from 1 to 1000")]
    [InlineData("?max=1001", "'max'", "from 1 to 1000")]
    [InlineData("?from=0", "'from'", ">= 1")]
    [InlineData("?from=-3", "'from'", ">= 1")]
    [InlineData("?from=1&from=2", "'from'", "more than once")]
    public async Task Invalid_paging_parameters_get_400_naming_the_parameter_and_range(string query, string parameter, string range)
    {
        await using var harness = await StartAsync(new AdminAccessSettings(Token, ProtectStatus: false));

        using var response = await Get(harness, "/api/audit" + query, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ReadErrorAsync(response);
        Assert.Equal("bad-request", error.Error);
        Assert.Contains(parameter, error.Reason);
        Assert.Contains(range, error.Reason);
    }

    [Fact]
    public async Task Writing_to_the_audit_endpoint_gets_405_and_unknown_api_paths_404()
    {
        await using var harness = await StartAsync(new AdminAccessSettings(Token, ProtectStatus: false));

        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/audit") { Content = new StringContent("{}") };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await harness.Admin.SendAsync(post);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("method-not-allowed", (await ReadErrorAsync(response)).Error);
        Assert.Equal(HttpStatusCode.NotFound, (await Get(harness, "/api/nothing-here", Token)).StatusCode);
    }

    [Fact]
    public async Task Status_needs_the_token_only_when_protect_status_is_on()
    {
        await using (var open = await StartAsync(new AdminAccessSettings(Token, ProtectStatus: false)))
        {
            Assert.Equal(HttpStatusCode.OK, (await Get(open, "/status")).StatusCode);
        }

        await using var protectedNode = await StartAsync(new AdminAccessSettings(Token, ProtectStatus: true));
        await AssertUnauthorizedAsync(await Get(protectedNode, "/status"), "missing Authorization header");
        await AssertUnauthorizedAsync(await Get(protectedNode, "/status", "nope"), "wrong admin token");
        using var allowed = await Get(protectedNode, "/status", Token);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("\"node\"", await allowed.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_audit_log_survives_a_restart_on_the_same_data_directory()
    {
        using var dataDirectory = TempDirectory.Create();
        var backends = await NodeHarness.StartBackendsAsync("b1");
        var settings = NodeHarness.Settings(Proxy(new AdminAccessSettings(Token, ProtectStatus: false)), dataDirectory.Path, Service(backends));

        await using (var first = await NodeHarness.StartAsync(output, [], settings))
        {
            Assert.Equal(1, (await AuditAsync(first)).RootElement.GetProperty("highest").GetInt64());
        }

        await using var second = await NodeHarness.StartAsync(output, backends, settings);
        using var json = await AuditAsync(second);
        var entries = json.RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal([1L, 2L, 3L], entries.Select(e => e.GetProperty("sequenceNr").GetInt64()));
        Assert.Equal(["node-start", "node-stop", "node-start"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.All(entries, e => Assert.Equal("test-node", e.GetProperty("node").GetString()));
        Assert.Equal(3, json.RootElement.GetProperty("highest").GetInt64());
        Assert.Equal(4, json.RootElement.GetProperty("nextFrom").GetInt64());

        // Paging: one entry from the middle, then past the end.
        using var middle = JsonDocument.Parse(await (await Get(second, "/api/audit?from=2&max=1", Token)).Content.ReadAsStringAsync());
        Assert.Equal("node-stop", Assert.Single(middle.RootElement.GetProperty("entries").EnumerateArray()).GetProperty("action").GetString());
        Assert.Equal(3, middle.RootElement.GetProperty("nextFrom").GetInt64());
        using var past = JsonDocument.Parse(await (await Get(second, "/api/audit?from=10", Token)).Content.ReadAsStringAsync());
        Assert.Empty(past.RootElement.GetProperty("entries").EnumerateArray());
        Assert.Equal(3, past.RootElement.GetProperty("highest").GetInt64());
    }

    [Fact]
    public async Task A_start_that_cannot_bind_is_closed_by_node_start_failed()
    {
        using var dataDirectory = TempDirectory.Create();
        var backends = await NodeHarness.StartBackendsAsync("b1");
        using var occupied = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;
        var access = new AdminAccessSettings(Token, ProtectStatus: false);
        var blocked = NodeHarness.Settings(Proxy(access) with { Admin = new ListenerSettings("127.0.0.1", port) }, dataDirectory.Path, Service(backends));

        await Assert.ThrowsAsync<IOException>(() => NodeHarness.StartAsync(output, [], blocked));

        await using var node = await NodeHarness.StartAsync(output, backends, NodeHarness.Settings(Proxy(access), dataDirectory.Path, Service(backends)));
        using var json = await AuditAsync(node);
        var entries = json.RootElement.GetProperty("entries").EnumerateArray().ToList();
        Assert.Equal(["node-start", "node-start-failed", "node-start"], entries.Select(e => e.GetProperty("action").GetString()));
        Assert.NotEqual("", entries[1].GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_data_directory_that_cannot_hold_the_journal_fails_the_start_with_its_path()
    {
        using var parent = TempDirectory.Create();
        var notADirectory = Path.Combine(parent.Path, "a-file");
        await File.WriteAllTextAsync(notADirectory, "");
        await using var backend = await TestBackend.StartAsync("b1");
        var settings = NodeHarness.Settings(Proxy(AdminAccessSettings.Disabled), notADirectory, Service([backend]));

        var ex = await Assert.ThrowsAsync<ClusterLb.Node.Hosting.NodeStartException>(() => NodeHarness.StartAsync(output, [], settings));

        Assert.Contains("cannot open the sqlite journal", ex.Message);
        Assert.Contains(Path.Combine(notADirectory, "persistence", "clusterlb.db"), ex.Message);
    }

    private async Task<NodeHarness> StartAsync(AdminAccessSettings access)
    {
        var backends = await NodeHarness.StartBackendsAsync("b1");
        return await NodeHarness.StartAsync(output, backends, Proxy(access), Service(backends));
    }

    private static ProxySettings Proxy(AdminAccessSettings access) => ProxySettings.Loopback with { Http2 = null, AdminAccess = access };

    private static Balancing.Settings.ServiceSettings Service(IReadOnlyList<TestBackend> backends) =>
        new("web", Balancing.Settings.ServiceMatch.Any, [NodeHarness.Pool("main", 0, backends)]);

    private static async Task<HttpResponseMessage> Get(NodeHarness harness, string path, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await harness.Admin.SendAsync(request);
    }

    private static async Task<JsonDocument> AuditAsync(NodeHarness harness)
    {
        using var response = await Get(harness, "/api/audit", Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response, string reason)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
            var error = await ReadErrorAsync(response);
            Assert.Equal("unauthorized", error.Error);
            Assert.Contains(reason, error.Reason);
        }
    }

    private static async Task<AdminError> ReadErrorAsync(HttpResponseMessage response) =>
        JsonSerializer.Deserialize<AdminError>(await response.Content.ReadAsStringAsync(), AdminEndpoints.JsonOptions)!;
}
