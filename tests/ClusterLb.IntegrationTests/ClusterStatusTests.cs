using System.CommandLine;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ClusterLb.Hocon;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Node.Commands;
using ClusterLb.Node.Configuration;
using ClusterLb.Node.Hosting;
using ClusterLb.Proxy.Admin;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>Nodes started through <see cref="ClusterLbNode"/> with seed lists form one cluster, seen on <c>/cluster/status</c>.</summary>
public sealed class ClusterStatusTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Token = "cluster-test-token";
    private static readonly TimeSpan FormDeadline = TimeSpan.FromSeconds(30);
    private readonly List<IAsyncDisposable> _cleanup = [];
    private readonly List<string> _files = [];
    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync("b1");

    public async Task DisposeAsync()
    {
        // Nodes first (in reverse start order), then the backend and the files they read.
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            await _cleanup[i].DisposeAsync();
        }
        await _backend.DisposeAsync();
        foreach (var file in _files)
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Three_nodes_form_one_cluster_and_every_node_reports_the_same_view()
    {
        var ports = new[] { PortAllocator.Next(), PortAllocator.Next(), PortAllocator.Next() };
        var seeds = ports.Select(p => $"akka.tcp://clusterlb@127.0.0.1:{p}").ToArray();
        var nodes = new List<ClusterLbNode>();
        foreach (var (port, i) in ports.Select((p, i) => (p, i)))
        {
            nodes.Add(await StartNodeAsync($"node{i + 1}", $"port = {port}, seed-nodes = [{string.Join(", ", seeds.Select(s => $"\"{s}\""))}]"));
        }
        var admins = nodes.Select(n => Track(new HttpClient { BaseAddress = n.AdminUrl, Timeout = TimeSpan.FromSeconds(10) })).ToList();

        JsonElement[] views = [];
        await Poll.UntilAsync(async () =>
        {
            views = await Task.WhenAll(admins.Select(ClusterStatusAsync));
            return views.All(v => IsConverged(v, 3)) && views.Select(Fingerprint).Distinct().Count() == 1;
        }, "three nodes Up with one leader and convergence on every /cluster/status", FormDeadline);

        var first = views[0];
        Assert.Equal(seeds.Order(StringComparer.Ordinal), first.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("address").GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains(first.GetProperty("leader").GetString(), seeds);
        Assert.All(first.GetProperty("members").EnumerateArray(), m =>
        {
            Assert.Equal("Up", m.GetProperty("status").GetString());
            Assert.True(m.GetProperty("reachable").GetBoolean());
            Assert.NotEqual(0, m.GetProperty("uid").GetInt64());
            Assert.Equal(JsonValueKind.Number, m.GetProperty("upNumber").ValueKind);
        });
        Assert.Empty(first.GetProperty("unreachable").EnumerateArray());
        // Each node reports itself as self.
        Assert.Equal(seeds, views.Select(v => v.GetProperty("self").GetString()!).ToArray());
    }

    [Fact]
    public async Task A_node_without_seed_nodes_joins_itself_and_reports_a_one_member_cluster()
    {
        var node = await StartNodeAsync("single", cluster: null);
        using var admin = new HttpClient { BaseAddress = node.AdminUrl };

        await Poll.UntilAsync(async () => IsConverged(await ClusterStatusAsync(admin), 1), "the node to be Up in its own cluster", FormDeadline);

        var view = await ClusterStatusAsync(admin);
        var self = view.GetProperty("self").GetString();
        Assert.StartsWith("akka.tcp://clusterlb@127.0.0.1:", self);
        Assert.Equal(self, view.GetProperty("leader").GetString());
        Assert.Equal(self, view.GetProperty("members")[0].GetProperty("address").GetString());
        Assert.Equal(1, view.GetProperty("members")[0].GetProperty("upNumber").GetInt32());
    }

    [Fact]
    public async Task Cluster_commands_need_the_token_and_a_valid_known_address()
    {
        var port = PortAllocator.Next();
        var self = $"akka.tcp://clusterlb@127.0.0.1:{port}";
        var node = await StartNodeAsync("solo", $"port = {port}, seed-nodes = [\"{self}\"]");
        using var admin = new HttpClient { BaseAddress = node.AdminUrl };
        await Poll.UntilAsync(async () => IsConverged(await ClusterStatusAsync(admin), 1), "the one-node cluster to be Up", FormDeadline);

        var noToken = await admin.PostAsync($"/cluster/down?address={Uri.EscapeDataString(self)}", null);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
        var noTokenLeave = await admin.PostAsync("/cluster/leave", null);
        Assert.Equal(HttpStatusCode.Unauthorized, noTokenLeave.StatusCode);

        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var badAddress = await admin.PostAsync("/cluster/down?address=lb2:4053", null);
        Assert.Equal(HttpStatusCode.BadRequest, badAddress.StatusCode);
        Assert.Contains("'address'", await ReasonAsync(badAddress));

        var missing = await admin.PostAsync("/cluster/down", null);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("'address'", await ReasonAsync(missing));

        var unknown = await admin.PostAsync($"/cluster/down?address={Uri.EscapeDataString("akka.tcp://clusterlb@127.0.0.1:1")}", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("akka.tcp://clusterlb@127.0.0.1:1", await ReasonAsync(unknown));

        var wrongMethod = await admin.GetAsync("/cluster/down");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);

        // Nothing above changed the membership.
        Assert.True(IsConverged(await ClusterStatusAsync(admin), 1));
    }

    [Fact]
    public async Task Status_command_prints_the_members_as_a_table_and_fails_clearly_on_a_bad_url()
    {
        var port = PortAllocator.Next();
        var self = $"akka.tcp://clusterlb@127.0.0.1:{port}";
        var clustered = await StartNodeAsync("solo", $"port = {port}, seed-nodes = [\"{self}\"]");
        using var admin = new HttpClient { BaseAddress = clustered.AdminUrl };
        await Poll.UntilAsync(async () => IsConverged(await ClusterStatusAsync(admin), 1), "the one-node cluster to be Up", FormDeadline);

        var (code, stdout, stderr) = await RunStatusCommandAsync(clustered.AdminUrl);

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("ADDRESS", lines[0]);
        Assert.Contains("REACHABLE", lines[0]);
        var row = Assert.Single(lines, l => l.Contains(self) && !l.StartsWith("self ", StringComparison.Ordinal));
        Assert.StartsWith("*", row);
        Assert.Contains("Up", row);
        Assert.Contains("yes", row);
        Assert.Contains("convergence yes", stdout);

        var (badCode, _, badStderr) = await RunStatusCommandAsync("not a url");
        Assert.Equal(StatusCommand.BadArguments, badCode);
        Assert.Contains("--admin", badStderr);
    }

    private static Task<(int Code, string Output, string Error)> RunStatusCommandAsync(Uri adminUrl) => RunStatusCommandAsync(adminUrl.ToString());

    private static async Task<(int Code, string Output, string Error)> RunStatusCommandAsync(string adminUrl)
    {
        var root = new RootCommand("test root");
        root.Subcommands.Add(StatusCommand.Create());
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await root.Parse(["status", "--admin", adminUrl]).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_taken_cluster_port_fails_the_start_with_a_clear_error()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var e = await Assert.ThrowsAsync<NodeStartException>(() => StartNodeAsync("clash", $"port = {port}, seed-nodes = [\"akka.tcp://clusterlb@127.0.0.1:{port}\"]"));

        Assert.Contains("cannot start the cluster node", e.Message);
    }

    private static bool IsConverged(JsonElement view, int members) =>
        view.ValueKind == JsonValueKind.Object
        && view.GetProperty("convergence").GetBoolean()
        && view.GetProperty("leader").ValueKind == JsonValueKind.String
        && view.GetProperty("members").GetArrayLength() == members
        && view.GetProperty("members").EnumerateArray().All(m => m.GetProperty("status").GetString() == "Up" && m.GetProperty("reachable").GetBoolean());

    /// <summary>What every node must agree on: the leader and the members with their status.</summary>
    private static string Fingerprint(JsonElement view) =>
        view.GetProperty("leader").GetString() + "|" + string.Join(",", view.GetProperty("members").EnumerateArray()
            .Select(m => $"{m.GetProperty("address").GetString()}#{m.GetProperty("uid").GetInt64()}:{m.GetProperty("status").GetString()}")
            .Order(StringComparer.Ordinal));

    private static async Task<JsonElement> ClusterStatusAsync(HttpClient admin)
    {
        var response = await admin.GetAsync("/cluster/status");
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? JsonDocument.Parse(text).RootElement.Clone() : default;
    }

    private static async Task<string> ReasonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("reason").GetString()!;

    private HttpClient Track(HttpClient client)
    {
        _cleanup.Add(new DisposeAction(client.Dispose));
        return client;
    }

    /// <summary>Starts a node from a HOCON file, the way <c>clusterlb run --config</c> does; <paramref name="cluster"/> is the body of <c>clusterlb.cluster</c>.</summary>
    private async Task<ClusterLbNode> StartNodeAsync(string name, string? cluster)
    {
        var dataDirectory = TempDirectory.Create();
        _cleanup.Add(new DisposeAction(dataDirectory.Dispose));
        var file = Path.Combine(Path.GetTempPath(), $"clusterlb-{Guid.NewGuid():N}.conf");
        _files.Add(file);
        await File.WriteAllTextAsync(file, $$"""
            clusterlb {
              node.name = "{{name}}"
              node.data-dir = "{{dataDirectory.Path}}"
              admin.token = "{{Token}}"
              proxy.http { bind = "127.0.0.1", port = 0 }
              admin.port = 0
              health-check { path = "/health", interval = 100ms }
              cluster.port = 0
              services.web.pools = [ { id = main, hosts = [ { id = b1, address = "{{_backend.Url}}" } ] } ]
              cluster.hostname = "127.0.0.1"
              {{(cluster is null ? "" : $"cluster {{ tls.enabled = off, {cluster} }}")}}
            }
            """);
        var settings = NodeConfigReader.Read(ClusterLbConfigLoader.Load(file, useEnvironment: false));
        var loggerFactory = TestOutputLoggerProvider.Factory(output);
        _cleanup.Add(new DisposeAction(loggerFactory.Dispose));
        var node = await ClusterLbNode.StartAsync(settings, loggerFactory);
        _cleanup.Add(node);
        return node;
    }

    private sealed class DisposeAction(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
