using System.Net;
using System.Text.Json;
using ClusterLb.Balancing.Routing;
using ClusterLb.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// The cluster-wide load view on three clustered nodes with real sockets: requests a node holds in flight show in
/// the other nodes' <c>/status</c> and <c>/metrics</c>, <c>load-scope = cluster</c> steers another node's
/// least-request away from the host they keep busy, and a node cut off or stopped stops counting.
/// </summary>
[Collection(RegistryClusterCollection.Name)]
public sealed class ClusterLoadTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(20);

    // Reports every 200 ms, stale after 1 s; a stopped node's held requests are cut after 1 s of draining.
    private const string Common = """
        health-check { path = "/health", interval = 100ms }
        cluster-load { interval = 200ms, stale-after = 1s }
        proxy.drain-timeout = 1s
        """;

    [Fact]
    public async Task Requests_held_through_one_node_show_as_cluster_in_flight_on_another_and_disappear_when_done()
    {
        await using var backend = await TestBackend.StartAsync("b1");
        await using var cluster = await StartOneHostAsync(backend);
        using var client = new HttpClient { BaseAddress = cluster[0].ProxyUrl, Timeout = TimeSpan.FromSeconds(40) };

        var held = Enumerable.Range(0, 3).Select(_ => client.GetAsync("/slow")).ToList();
        await Poll.UntilAsync(() => Task.FromResult(cluster[0].Handles["web"].Snapshot.Pools[0].All[0].Counters.InFlight == 3), "3 requests in flight on node 1");

        await Poll.UntilAsync(async () => await HostAsync(cluster, 1, "main", "b1") is var h
            && h.GetProperty("inFlight").GetInt32() == 0 && Int(h, "clusterInFlight") == 3 && Int(h, "clusterNodes") == 3,
            "node 2's /status to show b1 with 3 requests in flight cluster-wide, reported by 3 nodes", Propagation);
        using var admin = new HttpClient { BaseAddress = cluster[1].AdminUrl, Timeout = TimeSpan.FromSeconds(10) };
        var metrics = await MetricsEndpointTests.ScrapeUntilAsync(admin,
            m => m.Values("clusterlb_cluster_in_flight", ("service", "web"), ("pool", "main"), ("host", "b1")).Contains(3));
        Assert.Equal(0, metrics.Value("clusterlb_proxy_in_flight", ("service", "web"), ("pool", "main"), ("host", "b1")));
        Assert.True(metrics.Has("clusterlb_cluster_request_rate_per_second"), "no clusterlb_cluster_request_rate_per_second in /metrics");

        // While node 1 forwards a steady stream, node 2 sees b1's cluster-wide request rate.
        using var stop = new CancellationTokenSource();
        var stream = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.GetAsync("/", CancellationToken.None);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        });
        await Poll.UntilAsync(async () => await HostAsync(cluster, 1, "main", "b1") is var h && h.GetProperty("clusterRequestsPerSecond").GetDouble() > 0,
            "node 2 to see a request rate for b1", Propagation);
        await stop.CancelAsync();
        await stream;

        backend.ReleaseSlow();
        foreach (var response in held)
        {
            Assert.Equal(HttpStatusCode.OK, (await response).StatusCode);
        }
        await Poll.UntilAsync(async () => Int(await HostAsync(cluster, 1, "main", "b1"), "clusterInFlight") == 0,
            "node 2's /status to show b1 with no request in flight cluster-wide", Propagation);
    }

    [Fact]
    public async Task With_load_scope_cluster_least_request_avoids_the_host_another_node_keeps_busy_and_with_node_scope_it_does_not()
    {
        await using var b1 = await TestBackend.StartAsync("b1");
        await using var b2 = await TestBackend.StartAsync("b2");
        var hosts = $$"""{ id = b1, address = "{{b1.Url}}" }, { id = b2, address = "{{b2.Url}}" }""";
        await using var cluster = await LbCluster.StartAsync(output, 3, $$"""
            {{Common}}
            services {
              cluster-wide { match.hosts = ["cluster.test"], pools = [ { id = cluster-wide, method = least-request, load-scope = cluster,
                affinity { type = sticky-cookie, cookie-name = lb }, hosts = [ {{hosts}} ] } ] }
              node-local { match.hosts = ["node.test"], pools = [ { id = node-local, method = least-request,
                affinity { type = sticky-cookie, cookie-name = lb }, hosts = [ {{hosts}} ] } ] }
            }
            """);
        await WaitHealthyAsync(cluster, "cluster-wide", 2);
        await WaitHealthyAsync(cluster, "node-local", 2);
        var status = await cluster.Api(1).GetAsync("/status");
        var shown = Pool(status.Body, "cluster-wide").GetProperty("options");
        Assert.Equal("cluster", shown.GetProperty("load-scope").GetString());
        Assert.False(Pool(status.Body, "node-local").GetProperty("options").TryGetProperty("load-scope", out _));

        // Node 1 keeps four requests on b1 in each pool: the sticky cookie holds them there.
        using var nodeOne = Cookieless(cluster[0].ProxyUrl, TimeSpan.FromSeconds(40));
        var held = new List<Task<HttpResponseMessage>>();
        foreach (var (host, pool) in new[] { ("cluster.test", "cluster-wide"), ("node.test", "node-local") })
        {
            for (var i = 0; i < 4; i++)
            {
                held.Add(SendAsync(nodeOne, host, "/slow", $"lb={StableHash.Of($"{pool}/b1"):x16}"));
            }
        }
        foreach (var pool in new[] { "cluster-wide", "node-local" })
        {
            await Poll.UntilAsync(async () => Int(await HostAsync(cluster, 1, pool, "b1"), "clusterInFlight") == 4,
                $"node 2 to see b1 of {pool} with 4 requests in flight cluster-wide", Propagation);
        }

        // Node 2, idle itself, sends 20 requests one after the other to each pool.
        using var nodeTwo = Cookieless(cluster[1].ProxyUrl, TimeSpan.FromSeconds(10));
        var toB1 = new Dictionary<string, int>();
        foreach (var (host, pool) in new[] { ("cluster.test", "cluster-wide"), ("node.test", "node-local") })
        {
            toB1[pool] = 0;
            for (var i = 0; i < 20; i++)
            {
                using var response = await SendAsync(nodeTwo, host, "/", cookie: null);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                toB1[pool] += response.Headers.GetValues("X-Backend").Single() == "b1" ? 1 : 0;
            }
        }
        Assert.Equal(0, toB1["cluster-wide"]);
        Assert.True(toB1["node-local"] >= 5, $"with node scope node 2 should not know b1 is busy, yet sent it only {toB1["node-local"]} of 20");

        b1.ReleaseSlow();
        foreach (var response in held)
        {
            Assert.Equal("b1", (await response).Headers.GetValues("X-Backend").Single());
        }
    }

    [Fact]
    public async Task A_node_cut_off_or_stopped_no_longer_counts()
    {
        await using var backend = await TestBackend.StartAsync("b1");
        await using var cluster = await StartOneHostAsync(backend);
        using var nodeThree = new HttpClient { BaseAddress = cluster[2].ProxyUrl, Timeout = TimeSpan.FromSeconds(40) };
        var held = Enumerable.Range(0, 2).Select(_ => nodeThree.GetAsync("/slow")).ToList();
        await Poll.UntilAsync(async () => await HostAsync(cluster, 0, "main", "b1") is var h && Int(h, "clusterInFlight") == 2 && Int(h, "clusterNodes") == 3,
            "node 1 to see node 3's 2 requests in flight", Propagation);

        // Cut off from node 3, node 1 drops its report once it is stale, while node 3 still holds the requests.
        await cluster.PartitionAsync(0, 2);
        await Poll.UntilAsync(async () => await HostAsync(cluster, 0, "main", "b1") is var h && Int(h, "clusterInFlight") == 0 && Int(h, "clusterNodes") == 2,
            "node 1 to drop node 3's stale report", Propagation);
        Assert.Equal(2, cluster[2].Handles["web"].Snapshot.Pools[0].All[0].Counters.InFlight);
        // Node 2 still hears node 3.
        Assert.Equal(2, Int(await HostAsync(cluster, 1, "main", "b1"), "clusterInFlight"));

        await cluster.HealAsync(0, 2);
        await Poll.UntilAsync(async () => await HostAsync(cluster, 0, "main", "b1") is var h && Int(h, "clusterInFlight") == 2 && Int(h, "clusterNodes") == 3,
            "node 1 to hear node 3 again after the partition heals", Propagation);

        // Stopped, node 3 leaves the cluster and node 1 and node 2 forget it.
        await cluster.StopNodeAsync(2);
        foreach (var i in new[] { 0, 1 })
        {
            await Poll.UntilAsync(async () => await HostAsync(cluster, i, "main", "b1") is var h && Int(h, "clusterInFlight") == 0 && Int(h, "clusterNodes") == 2,
                $"node {i + 1} to forget the stopped node 3", Propagation);
        }
        backend.ReleaseSlow();
        foreach (var response in held)
        {
            // Cut by node 3's shutdown: an error or whatever status the drain left; only the view above matters.
            try
            {
                (await response).Dispose();
            }
            catch (HttpRequestException)
            {
            }
        }
    }

    /// <summary>Three nodes routing service <c>web</c> to pool <c>main</c> with the one host <c>b1</c>, healthy on every node.</summary>
    private async Task<LbCluster> StartOneHostAsync(TestBackend backend)
    {
        var cluster = await LbCluster.StartAsync(output, 3, $$"""
            {{Common}}
            services.web.pools = [ { id = main, method = least-request, hosts = [ { id = b1, address = "{{backend.Url}}" } ] } ]
            """);
        try
        {
            await WaitHealthyAsync(cluster, "web", 1);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private static int? Int(JsonElement host, string name) => host.TryGetProperty(name, out var value) ? value.GetInt32() : null;

    private static async Task<JsonElement> HostAsync(LbCluster cluster, int node, string pool, string host)
    {
        var status = await cluster.Api(node).GetAsync("/status");
        Assert.Equal(200, status.Status);
        return Pool(status.Body, pool).GetProperty("hosts").EnumerateArray().Single(h => h.GetProperty("id").GetString() == host);
    }

    private static JsonElement Pool(JsonElement status, string pool) =>
        status.GetProperty("services").EnumerateArray().SelectMany(s => s.GetProperty("pools").EnumerateArray())
            .Single(p => p.GetProperty("id").GetString() == pool);

    private static Task WaitHealthyAsync(LbCluster cluster, string service, int hosts) =>
        Poll.UntilAsync(() => Task.FromResult(cluster.Indexes.All(i => cluster[i].Handles[service].Snapshot.Active?.Healthy.Length == hosts)),
            $"all {hosts} hosts of {service} healthy on every node", Propagation);

    private static HttpClient Cookieless(Uri proxy, TimeSpan timeout) =>
        new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = proxy, Timeout = timeout };

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string host, string path, string? cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }
        return client.SendAsync(request);
    }
}
