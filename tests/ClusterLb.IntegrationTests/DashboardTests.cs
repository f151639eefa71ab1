using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Tests.Shared;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// The dashboard (<c>GET /dashboard</c>) in headless chromium, on real clustered nodes with real backends: it lists
/// the members, shows a host going down within 2 s of its backend stopping, and its drain/down/up buttons change the
/// host on every node with the token and nothing without it.
/// </summary>
[Collection(RegistryClusterCollection.Name)]
public sealed class DashboardTests(ITestOutputHelper output)
{
    /// <summary>The screenshots go here when set (docs/dashboard.md), else to <c>screenshots/</c> beside the tests.</summary>
    public const string ScreenshotsVariable = "CLUSTERLB_SCREENSHOTS";

    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(15);
    private static readonly float Wait = (float)TimeSpan.FromSeconds(20).TotalMilliseconds;

    [ChromiumFact]
    public async Task The_dashboard_of_a_three_node_cluster_lists_all_three_members_as_Up()
    {
        await using var rig = await Rig.StartAsync(output, ["b1", "b2", "b3", "s1"], nodes: 3, dashboardOf: 1);
        var (backends, cluster, page) = (rig.Backends, rig.Cluster, rig.Page);

        await Expect(page.Members).ToHaveCountAsync(3, new() { Timeout = Wait });
        foreach (var i in cluster.Indexes)
        {
            await Expect(page.Member(cluster.Address(i))).ToHaveAttributeAsync("data-status", "Up", new() { Timeout = Wait });
            await Expect(page.Member(cluster.Address(i))).ToHaveAttributeAsync("data-reachable", "true");
        }
        await Expect(page.Member(cluster.Address(1)).Locator("td.role")).ToContainTextAsync("this node");
        await Expect(page.Page.Locator("#cluster-summary")).ToContainTextAsync("3 members · converged");
        foreach (var (pool, host) in new[] { ("main", "b1"), ("main", "b2"), ("main", "b3"), ("standby", "s1") })
        {
            await Expect(page.Host(pool, host)).ToHaveAttributeAsync("data-health", "up", new() { Timeout = Wait });
            await Expect(page.Host(pool, host)).ToHaveAttributeAsync("data-state", "up");
        }
        await Expect(page.Live).ToHaveAttributeAsync("data-live", "live");

        // Traffic through node 2 (each request takes 20 ms): its page shows picks per second, latency and sparklines.
        // Meanwhile b3 is drained and s1's backend stops, so the screenshot shows both and their events.
        foreach (var backend in backends.All)
        {
            backend.Delay = TimeSpan.FromMilliseconds(20);
        }
        var load = new LoadGenerator();
        var running = load.RunAsync(cluster.Proxy(1), total: 4000, concurrency: 4);
        await Expect(page.Host("main", "b1").Locator("td.rate .value")).Not.ToHaveTextAsync(new Regex(@"^(–|0\.0)$"), new() { Timeout = Wait });
        await Expect(page.Host("main", "b1").Locator("td.latency .value")).ToContainTextAsync(" ms", new() { Timeout = Wait });
        await SparklineAsync(page, "main", "b1", points: 5);
        // The cluster-wide view: every node's reports summed, with how many nodes report.
        await Expect(page.Host("main", "b1").Locator("td.rate .cluster")).ToHaveTextAsync(new Regex(@"^all nodes [0-9]+\.[0-9] req/s$"), new() { Timeout = Wait });
        await Expect(page.Host("main", "b1").Locator("td.in-flight .cluster")).ToHaveTextAsync(new Regex(@"^all nodes [0-9]+ \(3 nodes\)$"), new() { Timeout = Wait });
        Assert.Equal(200, (await cluster.Api(0).PostAsync("/api/pools/main/hosts/b3/drain")).Status);
        await backends["s1"].StopAsync();
        await Expect(page.Host("main", "b3")).ToHaveAttributeAsync("data-state", "drain", new() { Timeout = Wait });
        await Expect(page.Host("standby", "s1")).ToHaveAttributeAsync("data-health", "down", new() { Timeout = Wait });
        foreach (var i in cluster.Indexes)
        {
            await Expect(page.Event("host_down", $"web/standby/s1 on {cluster.Address(i)}")).ToHaveCountAsync(1, new() { Timeout = Wait });
        }
        await Expect(page.Event("registry_changed", "main/b3").First).ToBeVisibleAsync();
        await SparklineAsync(page, "main", "b1", points: 20);
        await SaveScreenshotAsync(page, "dashboard-three-nodes.png");
        await running;
        Assert.Empty(load.Errors);

        // A phone's width: the tables become cards and nothing is wider than the screen.
        await page.Page.SetViewportSizeAsync(390, 844);
        await Expect(page.Page.Locator("#members thead")).ToBeHiddenAsync();
        var width = await page.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the page is {width} px wide on a 390 px screen");
        await SaveScreenshotAsync(page, "dashboard-phone.png");
        page.AssertNoScriptErrors();
    }

    [ChromiumFact]
    public async Task A_discovered_host_says_where_it_came_from_and_offers_no_buttons()
    {
        await using var dns = new TestDnsServer();
        await using var found = await TestBackend.StartAsync("found");
        dns.SetAddresses("found.test", TimeSpan.FromSeconds(30), "127.0.0.1");
        await using var rig = await Rig.StartAsync(output, ["b1"], nodes: 1, dashboardOf: 0, settings: $$"""
            services.found {
              match.hosts = ["found.test"]
              pools = [ { id = found, discovery { type = dns, name = "found.test", port = {{found.Url.Port}}, resolvers = ["{{dns.EndPoint}}"] } } ]
            }
            """);
        var page = rig.Page;
        var discovered = page.Host("found", $"127.0.0.1-{found.Url.Port}");

        await Expect(discovered).ToHaveAttributeAsync("data-source", "dns", new() { Timeout = Wait });
        await Expect(discovered.Locator(".address")).ToContainTextAsync("found by dns");
        await Expect(discovered.Locator(".buttons")).ToBeHiddenAsync();
        // A static host beside it keeps its buttons.
        await Expect(page.Host("main", "b1")).ToHaveAttributeAsync("data-source", "static", new() { Timeout = Wait });
        await Expect(page.Host("main", "b1").Locator(".buttons")).ToBeVisibleAsync();
        page.AssertNoScriptErrors();
    }

    [ChromiumFact]
    public async Task A_host_shows_down_on_the_dashboard_within_2_s_of_its_backend_stopping()
    {
        await using var rig = await Rig.StartAsync(output, ["b1", "b2"], nodes: 3, dashboardOf: 0);
        var page = rig.Page;
        await Expect(page.Live).ToHaveAttributeAsync("data-live", "live", new() { Timeout = Wait });
        var b2 = rig.Backends["b2"];

        var measured = new List<TimeSpan>();
        for (var round = 1; round <= 3; round++)
        {
            await Expect(page.Host("main", "b2")).ToHaveAttributeAsync("data-health", "up", new() { Timeout = Wait });
            var clock = Stopwatch.StartNew();
            await b2.StopAsync();
            await page.Page.Locator("tr[data-host=\"main/b2\"][data-health=\"down\"]").WaitForAsync(new() { Timeout = Wait });
            measured.Add(clock.Elapsed);
            output.WriteLine($"TIME-TO-DOWN round {round}: the page showed main/b2 down {clock.Elapsed.TotalMilliseconds:0} ms after its backend began to stop");
            await Expect(page.Host("main", "b1")).ToHaveAttributeAsync("data-health", "up");
            await b2.RestartAsync();
        }
        output.WriteLine($"TIME-TO-DOWN summary: {string.Join(", ", measured.Select(m => $"{m.TotalMilliseconds:0} ms"))} (health checks every 100 ms, fall 3)");
        Assert.All(measured, m => Assert.True(m <= TimeSpan.FromSeconds(2), $"main/b2 showed down only {m.TotalMilliseconds:0} ms after its backend stopped"));
        await Expect(page.Event("host_down", "web/main/b2").First).ToBeVisibleAsync();
        page.AssertNoScriptErrors();
    }

    [ChromiumFact]
    public async Task A_drain_click_with_the_token_drains_the_host_on_every_node_and_up_brings_it_back()
    {
        await using var rig = await Rig.StartAsync(output, ["b1", "b2"], nodes: 3, dashboardOf: 0);
        var (cluster, page) = (rig.Cluster, rig.Page);
        await Expect(page.Host("main", "b1")).ToHaveAttributeAsync("data-health", "up", new() { Timeout = Wait });

        await page.UseTokenAsync(LbCluster.Token);
        await page.ClickAsync("main", "b1", "drain");

        await Expect(page.ActionResult).ToHaveAttributeAsync("data-kind", "ok", new() { Timeout = Wait });
        await Expect(page.ActionResult).ToHaveTextAsync("drain main/b1: applied, consistency majority");
        await Expect(page.Host("main", "b1")).ToHaveAttributeAsync("data-state", "drain", new() { Timeout = Wait });
        await WaitStateEverywhereAsync(cluster, "b1", "drain");
        await Expect(page.Host("main", "b2")).ToHaveAttributeAsync("data-state", "up");

        await page.ClickAsync("main", "b1", "up");
        await Expect(page.ActionResult).ToHaveTextAsync("up main/b1: applied, consistency majority", new() { Timeout = Wait });
        await WaitStateEverywhereAsync(cluster, "b1", "up");
        await Expect(page.Host("main", "b1")).ToHaveAttributeAsync("data-state", "up", new() { Timeout = Wait });
        page.AssertNoScriptErrors();
    }

    [ChromiumFact]
    public async Task A_drain_click_without_a_token_or_with_a_wrong_one_shows_the_401_and_changes_nothing()
    {
        await using var rig = await Rig.StartAsync(output, ["b1", "b2"], nodes: 3, dashboardOf: 2);
        var (cluster, page) = (rig.Cluster, rig.Page);
        await Expect(page.Host("main", "b1")).ToHaveAttributeAsync("data-health", "up", new() { Timeout = Wait });
        await WaitStateEverywhereAsync(cluster, "b1", "up");
        // Every node has applied the same registry (a late joiner may still be catching up on the seeded pools).
        long[] versions = [];
        await Poll.UntilAsync(async () => (versions = await RegistryVersionsAsync(cluster)).Distinct().Count() == 1,
            "every node at the same registry version");

        await page.ClickAsync("main", "b1", "drain");
        await Expect(page.ActionResult).ToHaveAttributeAsync("data-kind", "error", new() { Timeout = Wait });
        await Expect(page.ActionResult).ToContainTextAsync("drain main/b1 refused: 401 unauthorized: missing Authorization header");
        await Expect(page.ActionResult).ToContainTextAsync("Nothing was changed.");

        await page.UseTokenAsync("wrong-token");
        await page.ClickAsync("main", "b1", "drain");
        await Expect(page.ActionResult).ToContainTextAsync("drain main/b1 refused: 401 unauthorized: wrong admin token", new() { Timeout = Wait });
        await Expect(page.ActionResult).ToHaveAttributeAsync("data-kind", "error");

        // Every node answered for itself: the host is still up in every registry replica and /status, at the same version.
        foreach (var i in cluster.Indexes)
        {
            Assert.Equal("up", HostField(await cluster.Api(i).GetAsync("/api/pools/main"), "b1", "state"));
            Assert.Equal("up", StatusHost(await cluster.Api(i).GetAsync("/status"), "b1").GetProperty("state").GetString());
        }
        Assert.Equal(versions, await RegistryVersionsAsync(cluster));
        await Expect(page.Host("main", "b1")).ToHaveAttributeAsync("data-state", "up");
        page.AssertNoScriptErrors();
    }

    [ChromiumFact]
    public async Task With_protect_status_the_dashboard_asks_for_the_token_then_follows_status_and_events_with_it()
    {
        await using var rig = await Rig.StartAsync(output, ["b1"], nodes: 1, dashboardOf: 0, settings: "admin.protect-status = on");
        var (cluster, page) = (rig.Cluster, rig.Page);

        await Expect(page.Problem).ToContainTextAsync("This node protects /status", new() { Timeout = Wait });
        await Expect(page.Problem).ToContainTextAsync("401 unauthorized: missing Authorization header");
        await Expect(page.Live).ToHaveAttributeAsync("data-live", "token");
        await Expect(page.Hosts).ToHaveCountAsync(0);

        await page.UseTokenAsync("wrong-token");
        await Expect(page.Problem).ToContainTextAsync("401 unauthorized: wrong admin token", new() { Timeout = Wait });
        await Expect(page.Hosts).ToHaveCountAsync(0);

        await page.UseTokenAsync(LbCluster.Token);
        await Expect(page.Problem).ToBeHiddenAsync(new() { Timeout = Wait });
        await Expect(page.Host("main", "b1")).ToHaveAttributeAsync("data-health", "up", new() { Timeout = Wait });
        await Expect(page.Member(cluster.Address(0))).ToHaveAttributeAsync("data-status", "Up");
        await Expect(page.Live).ToHaveAttributeAsync("data-live", "live", new() { Timeout = Wait });

        // The token lasts for the tab: a reload still shows the node, and the stream it opens carries the events.
        await page.Page.ReloadAsync();
        await Expect(page.Live).ToHaveAttributeAsync("data-live", "live", new() { Timeout = Wait });
        await rig.Backends["b1"].StopAsync();
        await Expect(page.Event("host_down", "web/main/b1").First).ToBeVisibleAsync(new() { Timeout = Wait });
        await Expect(page.Host("main", "b1")).ToHaveAttributeAsync("data-health", "down", new() { Timeout = Wait });
        page.AssertNoScriptErrors();
    }

    /// <summary>
    /// HOCON for service <c>web</c>: pool <c>main</c> with every backend named <c>b*</c> and, when there are any,
    /// pool <c>standby</c> (priority 1) with those named <c>s*</c>; checked every 100 ms, down after 3 failures.
    /// </summary>
    private static string Services(Backends backends)
    {
        string Pool(string id, int priority, char prefix) =>
            $"{{ id = {id}, priority = {priority}, hosts = [ {string.Join(", ", backends.All.Where(b => b.Name[0] == prefix).Select(b => $"{{ id = {b.Name}, address = \"{b.Url}\" }}"))} ] }}";
        var pools = backends.All.Any(b => b.Name[0] == 's') ? $"{Pool("main", 0, 'b')}, {Pool("standby", 1, 's')}" : Pool("main", 0, 'b');
        return $$"""
            health-check { path = "/health", interval = 100ms, timeout = 1s, rise = 2, fall = 3 }
            services.web.pools = [ {{pools}} ]
            """;
    }

    /// <summary>Waits until a host's picks sparkline has <paramref name="points"/> samples (one per poll).</summary>
    private static Task SparklineAsync(DashboardPage page, string pool, string host, int points) =>
        Poll.UntilAsync(async () => (await page.Host(pool, host).Locator("td.rate polyline").GetAttributeAsync("points"))!.Split(' ').Length >= points,
            $"the picks sparkline of {pool}/{host} to have {points} points", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100));

    private static Task WaitStateEverywhereAsync(LbCluster cluster, string host, string state) =>
        Poll.UntilAsync(async () =>
        {
            foreach (var i in cluster.Indexes)
            {
                if (HostField(await cluster.Api(i).GetAsync("/api/pools/main"), host, "state") != state
                    || StatusHost(await cluster.Api(i).GetAsync("/status"), host).GetProperty("state").GetString() != state)
                {
                    return false;
                }
            }
            return true;
        }, $"main/{host} to be '{state}' in every node's registry and /status", Propagation, TimeSpan.FromMilliseconds(100));

    private static async Task<long[]> RegistryVersionsAsync(LbCluster cluster)
    {
        var versions = new List<long>();
        foreach (var i in cluster.Indexes)
        {
            versions.Add((await cluster.Api(i).GetAsync("/status")).Body.GetProperty("registry").GetProperty("version").GetInt64());
        }
        return [.. versions];
    }

    private static string? HostField(AdminAnswer pool, string host, string field)
    {
        Assert.True(pool.Status == 200, $"GET /api/pools/main: {pool}");
        return pool.Body.GetProperty("hosts").EnumerateArray().Single(h => h.GetProperty("id").GetString() == host).GetProperty(field).GetString();
    }

    private static JsonElement StatusHost(AdminAnswer status, string host)
    {
        Assert.True(status.Status == 200, $"GET /status: {status}");
        return status.Body.GetProperty("services").EnumerateArray().SelectMany(s => s.GetProperty("pools").EnumerateArray())
            .SelectMany(p => p.GetProperty("hosts").EnumerateArray()).Single(h => h.GetProperty("id").GetString() == host);
    }

    private async Task SaveScreenshotAsync(DashboardPage page, string name)
    {
        var directory = Environment.GetEnvironmentVariable(ScreenshotsVariable) is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        await page.Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }

    /// <summary>
    /// Backends, a cluster of <c>nodes</c> in front of them (<see cref="Services"/> plus <c>settings</c>), and chromium
    /// on one node's dashboard; disposed together, the page first.
    /// </summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly HeadlessChromium _chromium;

        private Rig(Backends backends, LbCluster cluster, HeadlessChromium chromium, DashboardPage page)
        {
            (Backends, Cluster, _chromium, Page) = (backends, cluster, chromium, page);
        }

        public Backends Backends { get; }

        public LbCluster Cluster { get; }

        public DashboardPage Page { get; }

        public static async Task<Rig> StartAsync(ITestOutputHelper output, string[] backendNames, int nodes, int dashboardOf, string settings = "")
        {
            // The browser first: without chromium the test fails (under CI) before a cluster is started for nothing.
            var chromium = await HeadlessChromium.LaunchAsync();
            Backends? backends = null;
            LbCluster? cluster = null;
            try
            {
                backends = await Backends.StartAsync(backendNames);
                cluster = await LbCluster.StartAsync(output, nodes, Services(backends) + "\n" + settings);
                return new Rig(backends, cluster, chromium, await DashboardPage.OpenAsync(chromium, cluster[dashboardOf].AdminUrl, output));
            }
            catch
            {
                await DisposeAllAsync(chromium, cluster, backends);
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Page.DisposeAsync();
            await DisposeAllAsync(_chromium, Cluster, Backends);
        }

        private static async Task DisposeAllAsync(params IAsyncDisposable?[] disposables)
        {
            foreach (var disposable in disposables)
            {
                if (disposable is not null)
                {
                    await disposable.DisposeAsync();
                }
            }
        }
    }

    /// <summary>Named test backends, stopped together.</summary>
    private sealed class Backends : IAsyncDisposable
    {
        private Backends(IReadOnlyList<TestBackend> all) => All = all;

        public IReadOnlyList<TestBackend> All { get; }

        public TestBackend this[string name] => All.Single(b => b.Name == name);

        public static async Task<Backends> StartAsync(params string[] names)
        {
            var started = new List<TestBackend>();
            foreach (var name in names)
            {
                started.Add(await TestBackend.StartAsync(name));
            }
            return new Backends(started);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var backend in All)
            {
                await backend.DisposeAsync();
            }
        }
    }
}
