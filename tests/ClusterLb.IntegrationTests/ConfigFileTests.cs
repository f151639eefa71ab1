using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Node.Configuration;
using ClusterLb.Node.Demo;
using ClusterLb.Node.Hosting;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>The paths <c>clusterlb run --config</c> and <c>clusterlb demo</c> take, in-process.</summary>
public sealed class ConfigFileTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_node_started_from_a_hocon_file_routes_by_its_services()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2");
        var file = Path.Combine(Path.GetTempPath(), $"clusterlb-{Guid.NewGuid():N}.conf");
        using var dataDirectory = TempDirectory.Create();
        await File.WriteAllTextAsync(file, $$"""
            clusterlb {
              node.name = "from-file"
              node.data-dir = "{{dataDirectory.Path}}"
              admin.token = "file-token"
              proxy.http { bind = "127.0.0.1", port = 0 }
              proxy.http2 { enabled = on, bind = "127.0.0.1", port = 0 }
              admin.port = 0
              health-check { path = "/health", interval = 100ms }
              services.web.pools = [
                { id = main, hosts = [
                    { id = b1, address = "{{backends[0].Url}}" }
                    { id = b2, address = "{{backends[1].Url}}", weight = 3 }
                ] }
              ]
            }
            """);
        try
        {
            var settings = NodeConfigReader.Read(ClusterLbConfigLoader.Load(file, useEnvironment: false));
            Assert.Equal("from-file", settings.Name);
            Assert.Equal("127.0.0.1", settings.Proxy.Admin.Bind);
            Assert.NotNull(settings.Proxy.Http2);
            Assert.Equal("file-token", settings.Proxy.AdminAccess.Token);
            Assert.False(settings.Proxy.AdminAccess.ProtectStatus);

            using var loggerFactory = TestOutputLoggerProvider.Factory(output);
            await using var node = await ClusterLbNode.StartAsync(settings, loggerFactory);
            using var client = new HttpClient { BaseAddress = node.ProxyUrl };
            var answers = new List<string>();
            for (var i = 0; i < 8; i++)
            {
                answers.Add(await client.GetStringAsync("/"));
            }
            Assert.Equal(2, answers.Count(a => a == "b1"));
            Assert.Equal(6, answers.Count(a => a == "b2"));
        }
        finally
        {
            File.Delete(file);
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }

    [Fact]
    public void Bad_listener_settings_are_reported_with_location()
    {
        var config = ConfigFactory.ParseString("clusterlb { proxy.http.port = 70000, admin.bind = \"nowhere\", actor.throughput = 0 }", "bad.conf")
            .WithFallback(ConfigFactory.ParseFile(Path.Combine(AppContext.BaseDirectory, "hocon", "reference.conf")))
            .Resolve();
        var ex = Assert.Throws<SettingsException>(() => NodeConfigReader.Read(config));
        Assert.Contains(ex.Errors, e => e.StartsWith("bad.conf:1:") && e.Contains("clusterlb.proxy.http.port") && e.Contains("70000"));
        Assert.Contains(ex.Errors, e => e.StartsWith("bad.conf:1:") && e.Contains("nowhere"));
        Assert.Contains(ex.Errors, e => e.Contains("clusterlb.actor.throughput"));
    }

    [Fact]
    public void Protecting_status_without_a_token_and_a_bad_persistence_value_are_reported_with_location()
    {
        var config = ConfigFactory.ParseString("clusterlb {\n  admin.protect-status = on\n  persistence.journal.batch-size = 0\n}", "bad.conf")
            .WithFallback(ConfigFactory.ParseFile(Path.Combine(AppContext.BaseDirectory, "hocon", "reference.conf")))
            .Resolve();
        var ex = Assert.Throws<SettingsException>(() => NodeConfigReader.Read(config));
        Assert.Contains(ex.Errors, e => e.StartsWith("bad.conf:2:") && e.Contains("clusterlb.admin.protect-status") && e.Contains("token"));
        Assert.Contains(ex.Errors, e => e.StartsWith("bad.conf:3:") && e.Contains("batch-size"));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("clusterlb.node.inline-socket-completions = off", false)]
    [InlineData("clusterlb.node.inline-socket-completions = on", true)]
    public void Inline_socket_completions_are_on_unless_turned_off(string line, bool expected)
    {
        var config = ConfigFactory.ParseString(line, "node.conf")
            .WithFallback(ConfigFactory.ParseFile(Path.Combine(AppContext.BaseDirectory, "hocon", "reference.conf")))
            .Resolve();
        Assert.Equal(expected, NodeConfigReader.Read(config).InlineSocketCompletions);
    }

    [Fact]
    public void A_bad_inline_socket_completions_value_is_reported_with_location()
    {
        var config = ConfigFactory.ParseString("clusterlb {\n  node.inline-socket-completions = sometimes\n}", "bad.conf")
            .WithFallback(ConfigFactory.ParseFile(Path.Combine(AppContext.BaseDirectory, "hocon", "reference.conf")))
            .Resolve();
        var ex = Assert.Throws<SettingsException>(() => NodeConfigReader.Read(config));
        Assert.Contains(ex.Errors, e => e.StartsWith("bad.conf:2:") && e.Contains("inline-socket-completions"));
    }

    [Theory]
    [InlineData(true, null, "1")]     // configured on, nothing set: inline
    [InlineData(false, null, null)]   // configured off: .NET's default (thread pool)
    [InlineData(true, "0", null)]     // the operator's 0 wins over the configuration
    [InlineData(false, "1", null)]    // and so does the operator's 1
    public void The_operators_environment_variable_wins_over_the_configured_socket_completions(bool configured, string? current, string? expected) =>
        Assert.Equal(expected, SocketCompletions.Decide(configured, current));

    [Fact]
    public async Task The_demo_spreads_requests_over_its_three_backends()
    {
        using var loggerFactory = TestOutputLoggerProvider.Factory(output);
        await using var demo = await DemoEnvironment.StartAsync(0, 0, loggerFactory);
        using var client = new HttpClient { BaseAddress = demo.Node.ProxyUrl };

        var answers = new HashSet<string>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add((await client.GetStringAsync("/hello")).Split(' ')[2]);
        }
        Assert.Equal(["demo-1", "demo-2", "demo-3"], answers.Order());
        using var admin = new HttpClient { BaseAddress = demo.Node.AdminUrl };
        Assert.Contains("\"detail\": \"3/3 hosts healthy\"", await admin.GetStringAsync("/status"));
    }
}
