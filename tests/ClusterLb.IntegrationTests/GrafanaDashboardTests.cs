using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterLb.Balancing.Settings;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Observability;
using ClusterLb.Tests.Shared;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary><c>deploy/grafana/clusterlb-dashboard.json</c>: its queries parse as PromQL and name only series a node exports.</summary>
public sealed partial class GrafanaDashboardTests(ITestOutputHelper output)
{
    private static readonly string DashboardPath = Path.Combine(AppContext.BaseDirectory, "grafana", "clusterlb-dashboard.json");

    [PromtoolFact]
    public async Task Every_query_parses_as_PromQL()
    {
        var promtool = Prerequisites.RequirePromtool();
        var queries = Queries();
        Assert.True(queries.Count >= 20, $"the dashboard has {queries.Count} queries");
        using var directory = TempDirectory.Create();
        var rules = Path.Combine(directory.Path, "dashboard-rules.json"); // JSON is YAML: one recording rule per query
        var document = new { groups = new[] { new { name = "dashboard", rules = queries.Select((q, i) => new { record = $"dashboard:query{i}", expr = q }).ToArray() } } };
        await File.WriteAllTextAsync(rules, JsonSerializer.Serialize(document));

        using var process = Process.Start(new ProcessStartInfo(promtool, ["check", "rules", rules]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"promtool check rules exited {process.ExitCode}: {await stdout}{await stderr}");
    }

    [PromtoolFact]
    public async Task Every_series_a_query_names_is_exported_by_a_node()
    {
        Prerequisites.RequirePromtool();
        using var logs = TempDirectory.Create();
        var backends = await NodeHarness.StartBackendsAsync("b1");
        var proxy = ProxySettings.Loopback with { AccessLog = AccessLogSettings.Default with { Enabled = true, Path = Path.Combine(logs.Path, "access.log") } };
        await using var harness = await NodeHarness.StartAsync(output, backends, proxy, new ServiceSettings("web", ServiceMatch.Any, [NodeHarness.Pool("main", 0, backends)]));
        await Poll.UntilAsync(() => backends[0].Probes > 0, "a health check");
        backends[0].HealthStatus = 500;
        await harness.SendAsync(3);
        // The cluster-wide gauges appear once the node has taken its first cluster-load report (1 s).
        var metrics = await MetricsEndpointTests.ScrapeUntilAsync(harness.Admin, m => m.Has("clusterlb_health_checks_total") && m.Values("clusterlb_proxy_requests_total").Sum() == 3
            && m.Has("clusterlb_cluster_request_rate_per_second")
            && m.Values("clusterlb_health_checks_total", ("result", "unhealthy")).Any());

        var named = Queries().SelectMany(q => SeriesName().Matches(q).Select(m => m.Value)).Distinct().Order(StringComparer.Ordinal).ToList();
        output.WriteLine(string.Join("\n", named));
        Assert.Contains("clusterlb_proxy_requests_total", named);
        Assert.All(named, name => Assert.True(metrics.Has(name), $"the dashboard queries {name}, which /metrics does not export"));
    }

    /// <summary>Every panel's query with Grafana's variables replaced by what Prometheus would see.</summary>
    private static List<string> Queries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        return dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!
                .Replace("$__rate_interval", "1m")
                .Replace("$instance", ".*")
                .Replace("$service", ".*"))
            .ToList();
    }

    [GeneratedRegex("(clusterlb|dotnet)_[a-z_]+")]
    private static partial Regex SeriesName();
}
