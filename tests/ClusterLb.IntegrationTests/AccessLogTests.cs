using System.Net;
using System.Text.Json;
using ClusterLb.Balancing.Settings;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Node.Configuration;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Observability;
using ClusterLb.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>The access log: one line per proxied request, written off the request thread, rotated and sampled.</summary>
public sealed class AccessLogTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Real_requests_through_a_node_become_json_lines_with_every_field()
    {
        using var logs = TempDirectory.Create();
        var path = Path.Combine(logs.Path, "access.log");
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2");
        backends[1].FailEverything = true;
        var before = DateTime.UtcNow;
        await using var harness = await StartAsync(backends, AccessLogSettings.Default with { Enabled = true, Path = path });

        var first = await harness.Client.GetAsync("/hello/world?token=secret");
        var second = await harness.Client.GetAsync("/hello/world?token=secret");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);

        var lines = await WaitForLinesAsync(path, 2);
        var ok = lines.Single(l => l.GetProperty("status").GetInt32() == 200);
        var failed = lines.Single(l => l.GetProperty("status").GetInt32() == 503);
        var time = DateTime.Parse(ok.GetProperty("time").GetString()!, null, System.Globalization.DateTimeStyles.AdjustToUniversal);
        Assert.InRange(time, before.AddSeconds(-1), DateTime.UtcNow.AddSeconds(1));
        Assert.Equal("127.0.0.1", ok.GetProperty("client").GetString());
        Assert.Equal("GET", ok.GetProperty("method").GetString());
        Assert.Equal($"127.0.0.1:{harness.Node.ProxyUrl.Port}", ok.GetProperty("host").GetString());
        Assert.Equal("/hello/world", ok.GetProperty("path").GetString()); // the query string stays out
        Assert.Equal("b1".Length, ok.GetProperty("bytes_sent").GetInt64());
        Assert.Equal("web", ok.GetProperty("service").GetString());
        Assert.Equal("main", ok.GetProperty("pool").GetString());
        Assert.Equal("b1", ok.GetProperty("upstream_host").GetString());
        Assert.Equal(backends[0].Url.GetLeftPart(UriPartial.Authority), ok.GetProperty("upstream_address").GetString());
        var upstream = ok.GetProperty("upstream_seconds").GetDouble();
        Assert.True(upstream > 0, "upstream latency is measured");
        Assert.True(ok.GetProperty("total_seconds").GetDouble() >= upstream, "total latency includes the upstream exchange");
        Assert.Equal(0, ok.GetProperty("retries").GetInt32());
        Assert.Equal(string.Empty, ok.GetProperty("trace_id").GetString()); // no tracing, no caller traceparent
        Assert.Equal("b2", failed.GetProperty("upstream_host").GetString());
        Assert.Equal(backends[1].Url.GetLeftPart(UriPartial.Authority), failed.GetProperty("upstream_address").GetString());
    }

    [Fact]
    public async Task Without_tracing_a_line_carries_the_callers_trace_id_and_none_without_one()
    {
        using var logs = TempDirectory.Create();
        var path = Path.Combine(logs.Path, "access.log");
        var backends = await NodeHarness.StartBackendsAsync("b1");
        await using var harness = await StartAsync(backends, AccessLogSettings.Default with { Enabled = true, Path = path });

        using (var traced = new HttpRequestMessage(HttpMethod.Get, "/traced"))
        {
            traced.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
            Assert.Equal(HttpStatusCode.OK, (await harness.Client.SendAsync(traced)).StatusCode);
        }
        using (var malformed = new HttpRequestMessage(HttpMethod.Get, "/malformed"))
        {
            malformed.Headers.TryAddWithoutValidation("traceparent", "00-not-a-trace-01");
            Assert.Equal(HttpStatusCode.OK, (await harness.Client.SendAsync(malformed)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await harness.Client.GetAsync("/plain")).StatusCode);

        var lines = await WaitForLinesAsync(path, 3);
        string TraceOf(string requestPath) => lines.Single(l => l.GetProperty("path").GetString() == requestPath).GetProperty("trace_id").GetString()!;
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", TraceOf("/traced"));
        Assert.Equal(string.Empty, TraceOf("/malformed"));
        Assert.Equal(string.Empty, TraceOf("/plain"));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_a_line_names_the_real_client_and_counts_the_retry_to_another_host()
    {
        using var logs = TempDirectory.Create();
        var path = Path.Combine(logs.Path, "access.log");
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2");
        // Checks that never mark a host down during the test, so the dead b1 keeps being picked and retried.
        var pool = NodeHarness.Pool("main", 0, backends, NodeHarness.FastChecks(fall: 1000), passive: PassiveHealthSettings.Default with { Enabled = false });
        var proxy = ProxySettings.Loopback with
        {
            AccessLog = AccessLogSettings.Default with { Enabled = true, Path = path },
            ClientAddress = new ClusterLb.Proxy.Forwarding.ClientAddressSettings([IPNetwork.Parse("127.0.0.1/32")], "X-Forwarded-For"),
        };
        await using var harness = await NodeHarness.StartAsync(output, backends, proxy, new ServiceSettings("web", ServiceMatch.Any, [pool]));
        await backends[0].KillAsync();

        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Add("X-Forwarded-For", "203.0.113.9, 127.0.0.1");
            using var response = await harness.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var lines = await WaitForLinesAsync(path, 4);
        Assert.All(lines, l => Assert.Equal("203.0.113.9", l.GetProperty("client").GetString()));
        Assert.All(lines, l => Assert.Equal("b2", l.GetProperty("upstream_host").GetString()));
        var retried = lines.Count(l => l.GetProperty("retries").GetInt32() == 1);
        output.WriteLine($"{retried} of 4 lines were retried");
        Assert.InRange(retried, 1, 4);
        Assert.All(lines, l => Assert.InRange(l.GetProperty("retries").GetInt32(), 0, 1));
    }

    [Fact]
    public async Task A_503_without_a_healthy_host_is_logged_without_an_upstream()
    {
        using var logs = TempDirectory.Create();
        var path = Path.Combine(logs.Path, "access.log");
        var backends = await NodeHarness.StartBackendsAsync("b1");
        await using var harness = await StartAsync(backends, AccessLogSettings.Default with { Enabled = true, Path = path });
        backends[0].HealthStatus = 500;
        await harness.WaitForHealthAsync("b1", Balancing.Health.HostHealth.Down);

        var response = await harness.Client.GetAsync("/x");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();

        var line = Assert.Single(await WaitForLinesAsync(path, 1));
        Assert.Equal(503, line.GetProperty("status").GetInt32());
        Assert.Equal("web", line.GetProperty("service").GetString());
        Assert.Equal("", line.GetProperty("upstream_host").GetString());
        Assert.Equal(0, line.GetProperty("upstream_seconds").GetDouble());
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(body), line.GetProperty("bytes_sent").GetInt64());
    }

    [Fact]
    public async Task The_file_rotates_by_size_and_keeps_max_files()
    {
        using var logs = TempDirectory.Create();
        var path = Path.Combine(logs.Path, "access.log");
        var backends = await NodeHarness.StartBackendsAsync("b1");
        await using (var harness = await StartAsync(backends, AccessLogSettings.Default with { Enabled = true, Path = path, MaxFileSize = 1024, MaxFiles = 3 }))
        {
            // About 350 bytes a line: 30 requests make about ten files' worth; only three may remain.
            await harness.SendAsync(30);
        }

        var files = Directory.GetFiles(logs.Path).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal<string[]>(["access.log", "access.log.1", "access.log.2"], files);
        foreach (var file in files)
        {
            var text = await File.ReadAllTextAsync(Path.Combine(logs.Path, file));
            Assert.InRange(new FileInfo(Path.Combine(logs.Path, file)).Length, 1, 1024);
            Assert.EndsWith("\n", text);
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using var doc = JsonDocument.Parse(line); // rotation never splits a line
                Assert.Equal("b1", doc.RootElement.GetProperty("upstream_host").GetString());
            }
        }
        // The rotated files are older: the current file's first line is later than the last line of access.log.1.
        var current = JsonDocument.Parse(File.ReadLines(path).First()).RootElement.GetProperty("time").GetString();
        var previous = JsonDocument.Parse(File.ReadLines(path + ".1").Last()).RootElement.GetProperty("time").GetString();
        Assert.True(string.CompareOrdinal(current, previous) >= 0, $"{current} should not be before {previous}");
    }

    [Fact]
    public void With_max_files_one_rotation_starts_the_file_afresh()
    {
        using var logs = TempDirectory.Create();
        var path = Path.Combine(logs.Path, "access.log");
        var line = System.Text.Encoding.UTF8.GetBytes(new string('x', 599) + "\n");
        using (var file = new RotatingFile(path, maxSize: 1024, maxFiles: 1))
        {
            file.Write(line);
            file.Write(line); // 1200 bytes would pass the limit: the file is started afresh
            file.Write(System.Text.Encoding.UTF8.GetBytes("last\n")); // 605 bytes fit
        }
        Assert.Equal(["access.log"], Directory.GetFiles(logs.Path).Select(f => Path.GetFileName(f)));
        Assert.Equal(new string('x', 599) + "\nlast\n", File.ReadAllText(path));
    }

    [PromtoolFact]
    public async Task Sample_rate_zero_writes_nothing_while_the_requests_are_still_counted()
    {
        using var logs = TempDirectory.Create();
        var path = Path.Combine(logs.Path, "access.log");
        var backends = await NodeHarness.StartBackendsAsync("b1");
        PrometheusText metrics;
        await using (var harness = await StartAsync(backends, AccessLogSettings.Default with { Enabled = true, Path = path, SampleRate = 0 }))
        {
            Assert.Equal(20, (await harness.SendAsync(20))["b1"]);
            metrics = await MetricsEndpointTests.ScrapeUntilAsync(harness.Admin, m => m.Values("clusterlb_proxy_requests_total").Sum() == 20);
        }
        // Disposing the node drained the writer: whatever was queued is in the file now.
        Assert.Equal(20, metrics.Value("clusterlb_proxy_requests_total", ("host", "b1"), ("status_class", "2xx")));
        Assert.True(File.Exists(path));
        Assert.Equal(0, new FileInfo(path).Length);
    }

    [Fact]
    public async Task Text_format_writes_one_readable_line_per_request()
    {
        using var logs = TempDirectory.Create();
        var path = Path.Combine(logs.Path, "access.log");
        var backends = await NodeHarness.StartBackendsAsync("b1");
        await using (var harness = await StartAsync(backends, AccessLogSettings.Default with { Enabled = true, Path = path, Format = AccessLogFormat.Text }))
        {
            await harness.Client.GetAsync("/a b");
        }
        var line = Assert.Single(await File.ReadAllLinesAsync(path));
        output.WriteLine(line);
        Assert.Matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z 127\\.0\\.0\\.1 \"GET 127\\.0\\.0\\.1:\\d+ /a%20b\" 200 2 web/main/b1 http://127\\.0\\.0\\.1:\\d+ \\d+\\.\\d{6} \\d+\\.\\d{6} 0 (-|[0-9a-f]{32})$", line);
    }

    [Fact]
    public async Task A_full_queue_drops_and_counts_lines_instead_of_blocking()
    {
        using var logs = TempDirectory.Create();
        var path = Path.Combine(logs.Path, "access.log");
        var log = new AccessLog(AccessLogSettings.Default with { Enabled = true, Path = path, QueueSize = 1 }, NullLogger.Instance);
        const int Lines = 200_000;
        var entry = new AccessLogEntry(DateTime.UtcNow, System.Net.IPAddress.Loopback, "GET", "h", "/", 200, 1, "web", "main", "b1", "http://b1", TimeSpan.Zero, TimeSpan.Zero, 0, default);
        for (var i = 0; i < Lines; i++)
        {
            log.Enqueue(entry);
        }
        await log.DisposeAsync();

        Assert.True(log.Dropped > 0, "a queue of one cannot keep up with a tight loop");
        Assert.Equal(Lines, log.Written + log.Dropped);
        Assert.Equal(log.Written, File.ReadLines(path).LongCount());
    }

    [Fact]
    public void An_unwritable_path_fails_with_the_key_named()
    {
        using var logs = TempDirectory.Create();
        var blocker = Path.Combine(logs.Path, "file");
        File.WriteAllText(blocker, "");
        var ex = Assert.Throws<InvalidOperationException>(() =>
            new AccessLog(AccessLogSettings.Default with { Enabled = true, Path = Path.Combine(blocker, "access.log") }, NullLogger.Instance));
        Assert.Contains("clusterlb.access-log.path", ex.Message);
    }

    [Fact]
    public void Bad_access_log_and_logging_values_are_reported_with_their_keys()
    {
        var config = ReferenceConfig.With("clusterlb {\n  access-log { format = xml, sample-rate = 1.5, max-files = 0, max-file-size = 10B, queue-size = 0 }\n  logging.format = yaml\n}", "log.conf");
        var ex = Assert.Throws<SettingsException>(() => NodeConfigReader.Read(config));
        foreach (var key in new[] { "access-log.format", "access-log.sample-rate", "access-log.max-files", "access-log.max-file-size", "access-log.queue-size", "logging.format" })
        {
            Assert.Contains(ex.Errors, e => e.StartsWith("log.conf:") && e.Contains("clusterlb." + key));
        }
    }

    [Fact]
    public void The_reference_defaults_keep_the_access_log_off_and_json_and_read_logging_format()
    {
        var settings = NodeConfigReader.Read(ReferenceConfig.Defaults());
        Assert.Equal(AccessLogSettings.Default, settings.Proxy.AccessLog);
        Assert.Equal("text", settings.LogFormat);
        var json = NodeConfigReader.Read(ReferenceConfig.With("clusterlb.logging.format = json", "j.conf"));
        Assert.Equal("json", json.LogFormat);
    }

    private Task<NodeHarness> StartAsync(IReadOnlyList<TestBackend> backends, AccessLogSettings accessLog) =>
        NodeHarness.StartAsync(output, backends, ProxySettings.Loopback with { AccessLog = accessLog },
            new ServiceSettings("web", ServiceMatch.Any, [NodeHarness.Pool("main", 0, backends, passive: PassiveHealthSettings.Default with { Enabled = false })]));

    private static async Task<List<JsonElement>> WaitForLinesAsync(string path, int count)
    {
        var lines = new List<JsonElement>();
        await Poll.UntilAsync(() =>
        {
            lines.Clear();
            if (File.Exists(path))
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                while (reader.ReadLine() is { } line)
                {
                    lines.Add(JsonDocument.Parse(line).RootElement.Clone());
                }
            }
            return lines.Count >= count;
        }, $"{count} access log lines in {path}");
        Assert.Equal(count, lines.Count);
        return lines;
    }
}
