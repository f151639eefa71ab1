using System.Net;
using System.Net.Http.Headers;
using ClusterLb.Balancing.Settings;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Node.Configuration;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Admin;
using ClusterLb.Proxy.Observability;
using ClusterLb.Tests.Shared;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary><c>GET /metrics</c> on the admin listener: Prometheus text checked by promtool, counts matching real traffic.</summary>
public sealed class MetricsEndpointTests(ITestOutputHelper output)
{
    private static readonly (string, string) Web = ("service", "web");
    private static readonly (string, string) Main = ("pool", "main");

    [PromtoolFact]
    public async Task Metrics_after_real_traffic_pass_promtool_and_count_the_requests_sent()
    {
        Prerequisites.RequirePromtool();
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));
        await Poll.UntilAsync(() => backends.All(b => b.Probes > 0), "both backends to be probed");
        backends[1].FailEverything = true; // b2 answers 503: its requests count as 5xx

        var answers = await harness.SendAsync(10);
        Assert.Equal(5, answers["b1"]);
        Assert.Equal(5, answers["status 503"]);

        // A request is counted just after its response is sent, so the client can be a moment ahead of the counters.
        var metrics = await ScrapeUntilAsync(harness.Admin, m => m.Values("clusterlb_proxy_requests_total").Sum() == 10 && m.Values("clusterlb_proxy_in_flight").Sum() == 0);
        output.WriteLine(metrics.Body);
        var b1 = ("host", "b1");
        var b2 = ("host", "b2");
        Assert.Equal(5, metrics.Value("clusterlb_proxy_requests_total", Web, Main, b1, ("status_class", "2xx")));
        Assert.Equal(5, metrics.Value("clusterlb_proxy_requests_total", Web, Main, b2, ("status_class", "5xx")));
        Assert.Equal(10, metrics.Values("clusterlb_proxy_requests_total").Sum());
        Assert.Equal(5, metrics.Value("clusterlb_proxy_upstream_duration_seconds_count", Web, Main, b1));
        Assert.Equal(5, metrics.Value("clusterlb_proxy_request_duration_seconds_count", Web, Main, b2));
        Assert.Equal(5, metrics.Value("clusterlb_proxy_request_duration_seconds_bucket", Web, Main, b1, ("le", "+Inf")));
        Assert.True(metrics.Value("clusterlb_proxy_upstream_duration_seconds_sum", Web, Main, b1) > 0);
        Assert.Equal(5 * "b1".Length, metrics.Value("clusterlb_proxy_response_body_bytes_total", Web, Main, b1));
        Assert.Equal(5, metrics.Value("clusterlb_balancer_picks_total", Web, Main, b1));
        Assert.Equal(5, metrics.Value("clusterlb_balancer_picks_total", Web, Main, b2, ("method", "round-robin")));
        Assert.Equal(0, metrics.Value("clusterlb_proxy_in_flight", Web, Main, b1));
        Assert.Equal(1, metrics.Value("clusterlb_host_healthy", Web, Main, b1));
        Assert.Equal(2, metrics.Value("clusterlb_service_healthy_hosts", Web));
        Assert.True(metrics.Value("clusterlb_health_checks_total", Web, Main, b1, ("result", "healthy")) >= 1);
        Assert.True(metrics.Value("clusterlb_health_check_duration_seconds_count", Web, Main, b1) >= 1);
        Assert.Equal(1, metrics.Value("clusterlb_cluster_members", ("status", "Up")));
        Assert.Equal(0, metrics.Value("clusterlb_cluster_members", ("status", "Down")));
        Assert.Equal(0, metrics.Value("clusterlb_cluster_unreachable"));
        Assert.True(metrics.Has("clusterlb_registry_version"), "clusterlb_registry_version is exported");
        Assert.True(metrics.Has("dotnet_gc_heap_total_allocated_bytes_total"), "the runtime's meter is exported");
    }

    [PromtoolFact]
    public async Task A_failing_health_check_shows_as_unhealthy_checks_and_host_down()
    {
        Prerequisites.RequirePromtool();
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));
        backends[1].HealthStatus = 500;
        await harness.WaitForHealthAsync("b2", Balancing.Health.HostHealth.Down);

        var metrics = await ScrapeAsync(harness.Admin);
        Assert.True(metrics.Value("clusterlb_health_checks_total", Web, Main, ("host", "b2"), ("result", "unhealthy")) >= 3);
        Assert.Equal(0, metrics.Value("clusterlb_host_healthy", Web, Main, ("host", "b2")));
        Assert.Equal(1, metrics.Value("clusterlb_host_healthy", Web, Main, ("host", "b1")));
        Assert.Equal(1, metrics.Value("clusterlb_service_healthy_hosts", Web));
    }

    [PromtoolFact]
    public async Task Two_nodes_in_one_process_export_only_their_own_counts()
    {
        Prerequisites.RequirePromtool();
        var backendsA = await NodeHarness.StartBackendsAsync("a1");
        var backendsB = await NodeHarness.StartBackendsAsync("x1");
        await using var a = await NodeHarness.StartAsync(output, backendsA, NodeHarness.Pool("main", 0, backendsA));
        await using var b = await NodeHarness.StartAsync(output, backendsB, NodeHarness.Pool("main", 0, backendsB));

        await a.SendAsync(3);
        await b.SendAsync(1);

        var fromA = await ScrapeUntilAsync(a.Admin, m => m.Values("clusterlb_proxy_requests_total", ("host", "a1")).Sum() == 3);
        var fromB = await ScrapeUntilAsync(b.Admin, m => m.Values("clusterlb_proxy_requests_total", ("host", "x1")).Sum() == 1);
        Assert.Equal(3, fromA.Value("clusterlb_proxy_requests_total", Web, ("host", "a1"), ("status_class", "2xx")));
        Assert.Empty(fromA.Values("clusterlb_proxy_requests_total", ("host", "x1")));
        Assert.Empty(fromA.Values("clusterlb_host_healthy", ("host", "x1")));
        Assert.Equal(1, fromB.Value("clusterlb_proxy_requests_total", Web, ("host", "x1"), ("status_class", "2xx")));
        Assert.Empty(fromB.Values("clusterlb_proxy_requests_total", ("host", "a1")));
        Assert.Equal(1, fromB.Value("clusterlb_cluster_members", ("status", "Up")));
    }

    [Fact]
    public async Task Metrics_need_the_token_only_when_require_token_is_on_and_answer_404_when_off()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1");
        var guarded = ProxySettings.Loopback with { };
        guarded = guarded with { AdminAccess = new AdminAccessSettings("metrics-token", ProtectStatus: false), Metrics = MetricsSettings.Default with { RequireToken = true } };
        await using (var harness = await NodeHarness.StartAsync(output, backends, guarded, new ServiceSettings("web", ServiceMatch.Any, [NodeHarness.Pool("main", 0, backends)])))
        {
            var refused = await harness.Admin.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "metrics-token") } };
            var allowed = await harness.Admin.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
            Assert.Contains("clusterlb_cluster_members", await allowed.Content.ReadAsStringAsync());
            var post = await harness.Admin.PostAsync("/metrics", null);
            Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        }

        var backends2 = await NodeHarness.StartBackendsAsync("b1");
        var off = ProxySettings.Loopback with { Metrics = MetricsSettings.Default with { Enabled = false } };
        await using (var harness = await NodeHarness.StartAsync(output, backends2, off, new ServiceSettings("web", ServiceMatch.Any, [NodeHarness.Pool("main", 0, backends2)])))
        {
            var missing = await harness.Admin.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Contains("clusterlb.admin.metrics.enabled", await missing.Content.ReadAsStringAsync());
            var open = await harness.Admin.GetAsync("/status");
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        }
    }

    [Fact]
    public async Task A_scraper_asking_for_OpenMetrics_gets_OpenMetrics()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));
        await harness.SendAsync(2);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.ParseAdd("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
        var response = await harness.Admin.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/openmetrics-text", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith("# EOF\n", body);
        Assert.Contains("# TYPE clusterlb_proxy_requests counter", body); // OpenMetrics names the counter family without _total
    }

    [Fact]
    public void Require_token_without_a_token_is_refused_with_its_location()
    {
        var config = ReferenceConfig.With("clusterlb {\n  admin.metrics.require-token = on\n}", "metrics.conf");
        var ex = Assert.Throws<SettingsException>(() => NodeConfigReader.Read(config));
        Assert.Contains(ex.Errors, e => e.StartsWith("metrics.conf:2:") && e.Contains("clusterlb.admin.metrics.require-token") && e.Contains("clusterlb.admin.token"));
    }

    [Fact]
    public void The_reference_defaults_serve_metrics_without_a_token()
    {
        var config = ReferenceConfig.Defaults();
        var settings = NodeConfigReader.Read(config);
        Assert.Equal(MetricsSettings.Default, settings.Proxy.Metrics);
        Assert.True(settings.Proxy.Metrics.Enabled);
        Assert.False(settings.Proxy.Metrics.RequireToken);
    }

    /// <summary>Scrapes until <paramref name="ready"/> holds (the counts of the last responses have landed).</summary>
    internal static async Task<PrometheusText> ScrapeUntilAsync(HttpClient admin, Func<PrometheusText, bool> ready)
    {
        PrometheusText? last = null;
        await Poll.UntilAsync(async () => ready(last = await ScrapeAsync(admin)), "the counters to reach the requests sent", pause: TimeSpan.FromMilliseconds(50));
        return last!;
    }

    private static async Task<PrometheusText> ScrapeAsync(HttpClient admin)
    {
        var response = await admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return await PrometheusText.CheckAsync(await response.Content.ReadAsStringAsync());
    }
}
