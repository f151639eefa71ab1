using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Balancing.Reporting;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Admin;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// The YARP front end on real sockets with a fixed, hand-published routing snapshot: protocols, headers and
/// error answers, independent of the actors that normally publish the snapshot.
/// </summary>
public sealed class FrontEndTests : IAsyncLifetime
{
    private readonly RecordingSink _sink = new();
    private readonly RouteHandle _web = new("web");
    private readonly RouteHandle _empty = new("empty");
    private TestBackend _backend = null!;
    private ProxyFrontEnd _frontEnd = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _backend = await TestBackend.StartAsync("b1");
        var passive = PassiveHealthSettings.Default with { UnhealthyStatuses = StatusCodeSet.Parse("5xx") };
        var live = new UpstreamHost("web", "main", new HostSettings("b1", _backend.Url), passive, _sink);
        var dead = new UpstreamHost("dead", "main", new HostSettings("gone", new Uri($"http://127.0.0.1:{UnusedPort()}")), passive, _sink);
        _web.Publish(new RoutingSnapshot("web", 1, [new PoolRoute("main", 0, new RoundRobinPolicy(), [live], [live])]));
        var deadHandle = new RouteHandle("dead");
        deadHandle.Publish(new RoutingSnapshot("dead", 1, [new PoolRoute("main", 0, new RoundRobinPolicy(), [dead], [dead])]));

        ServiceSettings Service(string name, ServiceMatch match) => new(name, match, []);
        var balancing = new BalancingSettings([
            Service("web", ServiceMatch.Any),
            Service("empty", new ServiceMatch([], "/empty")),
            Service("dead", new ServiceMatch(["dead.test"], "/")),
        ]);
        var handles = new Dictionary<string, RouteHandle> { ["web"] = _web, ["empty"] = _empty, ["dead"] = deadHandle };
        _frontEnd = ProxyFrontEnd.Create(ProxySettings.Loopback, balancing, handles, new NodeInfo("test-node", "0.1.0", DateTimeOffset.UtcNow), new FixedStatus(), NullLoggerFactory.Instance);
        await _frontEnd.StartAsync();
        _client = new HttpClient { BaseAddress = _frontEnd.HttpUrl };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _frontEnd.DisposeAsync();
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Forwards_http11_and_adds_forwarded_headers()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/headers");
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");
        var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("X-Forwarded-For: 203.0.113.9, 127.0.0.1", body);
        Assert.Contains("X-Forwarded-Proto: http", body);
        Assert.Contains($"X-Forwarded-Host: {_frontEnd.HttpUrl.Authority}", body);
        Assert.Contains($"Host: {_backend.Url.Authority}", body);
    }

    [Fact]
    public async Task Serves_http2_with_prior_knowledge_on_the_h2c_listener()
    {
        using var h2 = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var response = await h2.GetAsync(new Uri(_frontEnd.Http2Url!, "/protocol"));

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("HTTP/1.1", await response.Content.ReadAsStringAsync());
        Assert.Equal(1, _backend.Hits);
    }

    [Fact]
    public async Task Passes_websockets_through()
    {
        using var socket = new ClientWebSocket();
        var wsUri = new UriBuilder(_frontEnd.HttpUrl) { Scheme = "ws", Path = "/ws" }.Uri;
        await socket.ConnectAsync(wsUri, CancellationToken.None);

        var buffer = new byte[256];
        foreach (var text in new[] { "hello", "again" })
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
            var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
            Assert.Equal($"b1:{text}", Encoding.UTF8.GetString(buffer, 0, received.Count));
        }
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task No_healthy_host_answers_503_with_a_reason()
    {
        var response = await _client.GetAsync("/empty/x");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("no healthy upstream host for service 'empty' (0/0 hosts healthy)\n", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, _backend.Hits);
    }

    [Fact]
    public async Task Connect_failure_answers_502_and_reports_a_passive_failure()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/x");
        request.Headers.Host = "dead.test";
        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var failure = Assert.Single(_sink.Failures);
        Assert.True(failure.ConnectFailed);
    }

    [Fact]
    public async Task Requests_and_picks_are_published_as_metrics()
    {
        var requests = new List<(long Value, string? Service, string? StatusClass)>();
        var picks = new Dictionary<string, long>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ProxyMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? service = null, host = null, statusClass = null;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "service": service = tag.Value as string; break;
                    case "host": host = tag.Value as string; break;
                    case "status_class": statusClass = tag.Value as string; break;
                }
            }
            lock (requests)
            {
                if (instrument.Name == "clusterlb.proxy.requests")
                {
                    requests.Add((value, service, statusClass));
                }
                else if (instrument.Name == "clusterlb.balancer.picks")
                {
                    picks[$"{service}/{host}"] = value;
                }
            }
        });
        listener.Start();

        (await _client.GetAsync("/x")).EnsureSuccessStatusCode();
        await _client.GetAsync("/empty/x");
        listener.RecordObservableInstruments();

        lock (requests)
        {
            Assert.Contains((1L, "web", "2xx"), requests);
            Assert.Contains((1L, "empty", "5xx"), requests);
            Assert.Equal(1, picks["web/b1"]);
        }
    }

    [Fact]
    public async Task Admin_unknown_path_is_404_json_with_a_reason()
    {
        using var admin = new HttpClient { BaseAddress = _frontEnd.AdminUrl };
        var response = await admin.GetAsync("/nope");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("not-found", json.RootElement.GetProperty("error").GetString());
        Assert.Contains("GET /status", json.RootElement.GetProperty("reason").GetString());

        var post = await admin.PostAsync("/status", null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task Admin_status_summarises_the_source()
    {
        using var admin = new HttpClient { BaseAddress = _frontEnd.AdminUrl };
        using var json = JsonDocument.Parse(await admin.GetStringAsync("/status"));
        var root = json.RootElement;
        Assert.Equal("test-node", root.GetProperty("node").GetProperty("name").GetString());
        Assert.Equal("degraded", root.GetProperty("status").GetString());
        Assert.Equal("1/2 hosts healthy", root.GetProperty("detail").GetString());
        Assert.Equal("web", root.GetProperty("services")[0].GetProperty("name").GetString());
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class RecordingSink : IHostOutcomeSink
    {
        public List<RequestOutcome> Failures { get; } = [];

        public void ReportFailure(UpstreamHost host, in RequestOutcome outcome)
        {
            lock (Failures)
            {
                Failures.Add(outcome);
            }
        }

        public void ReportRecovery(UpstreamHost host) { }
    }

    private sealed class FixedStatus : IStatusSource
    {
        public Task<IReadOnlyList<ServiceStatus>> GetServicesAsync(CancellationToken cancellation)
        {
            HostStatus Host(string id, string health) => new(id, "http://127.0.0.1:1", 1, health, true, 1.5, null, 0, 0, 0, null);
            IReadOnlyList<ServiceStatus> services = [new ServiceStatus("web", "degraded", "1/2 hosts healthy", "main",
                [new PoolStatus("main", 0, "round-robin", "1/2 hosts healthy", [Host("a", "up"), Host("b", "down")])])];
            return Task.FromResult(services);
        }
    }
}
