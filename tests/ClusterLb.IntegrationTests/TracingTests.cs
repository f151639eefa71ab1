using ClusterLb.Balancing.Settings;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Node.Configuration;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Admin;
using ClusterLb.Proxy.Observability;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>OpenTelemetry traces over OTLP/HTTP to an in-process receiver, and W3C trace context sent to the backend.</summary>
public sealed class TracingTests(ITestOutputHelper output)
{
    private const string Token = "tracing-token";

    [Fact]
    public async Task A_proxied_request_is_one_server_span_with_service_pool_and_host_and_the_backend_gets_its_traceparent()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var backends = await NodeHarness.StartBackendsAsync("b1");
        using var logs = TempDirectory.Create();
        var accessLog = Path.Combine(logs.Path, "access.log");
        await using var harness = await StartAsync(receiver, backends, sampleRatio: 1.0, accessLog);

        // A client that sends no trace context (this process's own HttpClient would, since the node listens to it).
        using var plain = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = harness.Node.ProxyUrl };
        var headers = await plain.GetStringAsync("/headers");
        var traceparent = Traceparent(headers);
        var (traceId, parentId) = (traceparent.Split('-')[1], traceparent.Split('-')[2]);

        var span = await WaitForSpanAsync(receiver, s => s.TraceId == traceId && s.Name == "proxy GET");
        var client = await WaitForSpanAsync(receiver, s => s.TraceId == traceId && s.Kind == 3); // SPAN_KIND_CLIENT
        output.WriteLine(string.Join(", ", span.Attributes.Select(a => $"{a.Key}={a.Value}")));
        Assert.Equal(2, span.Kind); // SPAN_KIND_SERVER
        Assert.Equal("", span.ParentSpanId); // a new trace: the client sent no traceparent
        Assert.Equal(span.SpanId, client.ParentSpanId); // .NET's HTTP client span to the backend sits under the proxy span
        Assert.Equal(parentId, client.SpanId); // and is the backend's parent: the collector sees the whole chain
        Assert.Equal("web", span.Attributes["clusterlb.service"]);
        Assert.Equal("main", span.Attributes["clusterlb.pool"]);
        Assert.Equal("b1", span.Attributes["clusterlb.host"]);
        Assert.Equal(backends[0].Url.GetLeftPart(UriPartial.Authority), span.Attributes["clusterlb.upstream.address"]);
        Assert.Equal("200", span.Attributes["http.response.status_code"]);
        Assert.Equal("/headers", span.Attributes["url.path"]);
        output.WriteLine("resource: " + string.Join(", ", span.Resource.Select(a => $"{a.Key}={a.Value}")));
        Assert.Equal("clusterlb", span.Resource["service.name"]);
        Assert.Equal("test-node", span.Resource["service.instance.id"]);
        Assert.Equal(2, receiver.Spans.Count(s => s.TraceId == traceId)); // no health-probe or foreign spans

        // The access log line carries the same trace id.
        await Poll.UntilAsync(() => File.Exists(accessLog) && ReadShared(accessLog).Contains($"\"trace_id\":\"{traceId}\""), "the access log line with the trace id");
    }

    [Fact]
    public async Task An_incoming_traceparent_becomes_the_parent_and_the_backend_continues_the_same_trace()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var backends = await NodeHarness.StartBackendsAsync("b1");
        // Sampling 0: only the caller's sampled flag records the span (parent-based sampling).
        await using var harness = await StartAsync(receiver, backends, sampleRatio: 0);

        using var plain = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = harness.Node.ProxyUrl };
        await plain.GetStringAsync("/unsampled");
        const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string CallerSpan = "00f067aa0ba902b7";
        using var request = new HttpRequestMessage(HttpMethod.Get, "/headers");
        request.Headers.Add("traceparent", $"00-{TraceId}-{CallerSpan}-01");
        var response = await plain.SendAsync(request);
        var backendSaw = Traceparent(await response.Content.ReadAsStringAsync());

        var span = await WaitForSpanAsync(receiver, s => s.TraceId == TraceId && s.Kind == 2);
        var client = await WaitForSpanAsync(receiver, s => s.TraceId == TraceId && s.Kind == 3);
        Assert.Equal(CallerSpan, span.ParentSpanId);
        Assert.Equal(span.SpanId, client.ParentSpanId);
        Assert.Equal($"00-{TraceId}-{client.SpanId}-01", backendSaw);
        // The unsampled request ended first and was never exported.
        Assert.All(receiver.Spans, s => Assert.Equal(TraceId, s.TraceId));
    }

    [Fact]
    public async Task Admin_writes_are_traced_and_reads_are_not()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var backends = await NodeHarness.StartBackendsAsync("b1");
        await using var harness = await StartAsync(receiver, backends, sampleRatio: 1.0);
        using var api = new AdminClient(harness.Node.AdminUrl, Token);

        Assert.Equal(200, (await api.GetAsync("/api/pools")).Status);
        var created = await api.PostAsync("/api/pools", """{"id":"blue","service":"web","method":"random","priority":5}""");
        Assert.InRange(created.Status, 200, 201);

        var span = await WaitForSpanAsync(receiver, s => s.Name == "admin POST");
        Assert.Equal("/api/pools", span.Attributes["url.path"]);
        Assert.Equal(created.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), span.Attributes["http.response.status_code"]);
        Assert.DoesNotContain(receiver.Spans, s => s.Name == "admin GET");
    }

    [Fact]
    public void Bad_tracing_values_are_reported_with_their_keys()
    {
        var config = ReferenceConfig.With("clusterlb.tracing {\n  endpoint = \"collector:4317\"\n  protocol = thrift\n  sample-ratio = -1\n}", "trace.conf");
        var ex = Assert.Throws<SettingsException>(() => NodeConfigReader.Read(config));
        Assert.Contains(ex.Errors, e => e.StartsWith("trace.conf:2:") && e.Contains("clusterlb.tracing.endpoint"));
        Assert.Contains(ex.Errors, e => e.StartsWith("trace.conf:3:") && e.Contains("clusterlb.tracing.protocol"));
        Assert.Contains(ex.Errors, e => e.StartsWith("trace.conf:4:") && e.Contains("clusterlb.tracing.sample-ratio"));
    }

    [Fact]
    public void Tracing_is_off_by_default_and_http_endpoints_get_the_traces_path()
    {
        var settings = NodeConfigReader.Read(ReferenceConfig.Defaults());
        Assert.Equal(TracingSettings.Default, settings.Proxy.Tracing);
        Assert.False(settings.Proxy.Tracing.Enabled);
        Assert.Equal(new Uri("http://c:4318/v1/traces"), ProxyTracing.ExportUri(new TracingSettings(true, new Uri("http://c:4318"), TracingProtocol.HttpProtobuf, 1)));
        Assert.Equal(new Uri("http://c:4318/custom"), ProxyTracing.ExportUri(new TracingSettings(true, new Uri("http://c:4318/custom"), TracingProtocol.HttpProtobuf, 1)));
        Assert.Equal(new Uri("http://c:4317"), ProxyTracing.ExportUri(new TracingSettings(true, new Uri("http://c:4317"), TracingProtocol.Grpc, 1)));
    }

    private Task<NodeHarness> StartAsync(OtlpReceiver receiver, IReadOnlyList<TestBackend> backends, double sampleRatio, string? accessLog = null)
    {
        var proxy = ProxySettings.Loopback with
        {
            AdminAccess = new AdminAccessSettings(Token, ProtectStatus: false),
            Tracing = new TracingSettings(true, receiver.Endpoint, TracingProtocol.HttpProtobuf, sampleRatio),
            AccessLog = accessLog is null ? AccessLogSettings.Default : AccessLogSettings.Default with { Enabled = true, Path = accessLog },
        };
        return NodeHarness.StartAsync(output, backends, proxy, new ServiceSettings("web", ServiceMatch.Any, [NodeHarness.Pool("main", 0, backends)]));
    }

    private static string Traceparent(string headers) =>
        headers.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("traceparent: ", StringComparison.OrdinalIgnoreCase))["traceparent: ".Length..];

    private static async Task<ReceivedSpan> WaitForSpanAsync(OtlpReceiver receiver, Func<ReceivedSpan, bool> match)
    {
        await Poll.UntilAsync(() => receiver.Spans.Any(match), "the span at the OTLP receiver", TimeSpan.FromSeconds(20));
        return receiver.Spans.First(match);
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }
}
