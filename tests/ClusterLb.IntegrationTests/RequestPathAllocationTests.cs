using System.Collections.Immutable;
using System.Net;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Forwarding;
using ClusterLb.Proxy.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;
using Yarp.ReverseProxy.Forwarder;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// The regression guard for issue 16: bytes ClusterLb's own code allocates per proxied request (match, pick,
/// forward bookkeeping, metrics, the body counter), measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/>.
/// YARP's forwarder is replaced by one that answers 200 at once, so every step completes on this thread and the
/// count is ours alone; what YARP, Kestrel and the HTTP client allocate is theirs and is measured by bench/proxy.
/// </summary>
/// <remarks>
/// Tests build in Debug, where every async method allocates its state machine even when it completes at once
/// (about 100-200 B each; Release builds allocate none for those). The budgets hold for both.
/// </remarks>
public sealed class RequestPathAllocationTests(ITestOutputHelper output)
{
    private const int Requests = 2_000;

    [Fact]
    public void A_proxied_request_allocates_within_budget_in_our_code()
    {
        var perRequest = Measure(metricsExported: true);
        output.WriteLine($"{perRequest:0} B per request in ClusterLb's code (metrics exported)");
        Assert.InRange(perRequest, 0, 1024);
    }

    [Fact]
    public void Exported_metrics_add_no_allocation_per_request()
    {
        var without = Measure(metricsExported: false);
        var with = Measure(metricsExported: true);
        output.WriteLine($"{without:0} B per request without a metrics listener, {with:0} B with the Prometheus exporter");
        Assert.InRange(with - without, -8, 8);
    }

    [Fact]
    public void A_pool_with_its_own_client_allocates_nothing_more_per_request()
    {
        var shared = Measure(metricsExported: false);
        var own = Measure(metricsExported: false, ownClient: true);
        output.WriteLine($"{shared:0} B per request on the shared client, {own:0} B on a pool's own client (keepalive block)");
        Assert.InRange(own - shared, -8, 8);
    }

    private static double Measure(bool metricsExported, bool ownClient = false)
    {
        var hosts = ImmutableArray.Create(Host("b1"), Host("b2"));
        var handle = new RouteHandle("web");
        handle.Publish(new RoutingSnapshot("web", 1, [new PoolRoute("main", 0, new RoundRobinPolicy(), hosts, hosts)]));
        var services = new[] { new ServiceSettings("web", ServiceMatch.Any, []) };
        // A pool with its own keepalive block gets its own client: the request path looks it up by pool id.
        var pool = new PoolSettings("main", BalancingMethod.RoundRobin, 0, [.. hosts.Select(h => new HostSettings(h.Id, h.Address))], HealthCheckSettings.Default, PassiveHealthSettings.Default)
        {
            Connection = UpstreamConnectionSettings.Default with { Keepalive = new KeepaliveSettings(16, null) },
        };
        var configured = new BalancingSettings(ownClient ? [new ServiceSettings("web", ServiceMatch.Any, [pool])] : []);
        var handles = new Dictionary<string, RouteHandle> { ["web"] = handle };
        var scope = new object();
        using var metrics = new ProxyMetrics(handles.Values, scope);
        using var exporter = metricsExported ? new MetricsExporter(MetricsSettings.Default with { RuntimeMetrics = false }, scope) : null;
        var clients = new ClientAddressResolver(ClientAddressSettings.None);
        using var upstreams = UpstreamClients.Create(UpstreamSettings.Default, configured, preserveHost: false);
        Assert.Equal(ownClient, !ReferenceEquals(upstreams.Default, upstreams.For(hosts[0])));
        var handler = new ProxyRequestHandler(
            new ServiceMatcher(services, handles),
            new AnswersAtOnce(),
            upstreams,
            new RequestRecorder(metrics, clients),
            clients,
            NullLogger<ProxyRequestHandler>.Instance);

        // Contexts are the server's allocation, made before counting; one round first warms every path.
        Run(handler, Contexts(Requests));
        var contexts = Contexts(Requests);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(handler, contexts);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.All(contexts, c => Assert.Equal(200, c.Response.StatusCode));
        return (double)allocated / Requests;
    }

    private static void Run(ProxyRequestHandler handler, DefaultHttpContext[] contexts)
    {
        foreach (var context in contexts)
        {
            var request = ResponseBodyCounter.InvokeAsync(context, handler.InvokeAsync);
            // Completed already: the whole request ran on this thread, so the thread's count is the request's.
            Assert.True(request.IsCompletedSuccessfully);
        }
    }

    private static DefaultHttpContext[] Contexts(int count)
    {
        var contexts = new DefaultHttpContext[count];
        for (var i = 0; i < count; i++)
        {
            var context = new DefaultHttpContext();
            context.Request.Method = HttpMethods.Get;
            context.Request.Scheme = "http";
            context.Request.Host = new HostString("shop.example.com");
            context.Request.Path = "/cart";
            context.Connection.RemoteIpAddress = IPAddress.Loopback;
            contexts[i] = context;
        }
        return contexts;
    }

    private static UpstreamHost Host(string id) =>
        new("web", "main", new HostSettings(id, new Uri($"http://127.0.0.1:1/{id}"), 1), PassiveHealthSettings.Default, NullOutcomeSink.Instance);

    /// <summary>A forwarder that answers 200 without a network: what remains is the cost of the code around it.</summary>
    private sealed class AnswersAtOnce : IHttpForwarder
    {
        public ValueTask<ForwarderError> SendAsync(HttpContext context, string destinationPrefix, HttpMessageInvoker httpClient, ForwarderRequestConfig requestConfig, HttpTransformer transformer) =>
            SendAsync(context, destinationPrefix, httpClient, requestConfig, transformer, CancellationToken.None);

        public ValueTask<ForwarderError> SendAsync(HttpContext context, string destinationPrefix, HttpMessageInvoker httpClient, ForwarderRequestConfig requestConfig, HttpTransformer transformer, CancellationToken cancellationToken)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            return ValueTask.FromResult(ForwarderError.None);
        }
    }
}
