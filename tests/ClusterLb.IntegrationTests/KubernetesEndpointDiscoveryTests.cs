using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Runtime.Security;
using Xunit.Abstractions;
using static ClusterLb.IntegrationTests.Infrastructure.FakeKubernetesApi;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// <c>discovery.type = kubernetes</c> against a fake Kubernetes API server on loopback (HTTPS with its own CA, the
/// EndpointSlices serialized by the official client) whose slices the test changes while the nodes run: the pool
/// follows the Service's endpoints with readiness honoured (not ready left out, terminating and serving drained), one
/// node asks with the token from token-file, and an API server that fails or hangs keeps the last hosts. What a real
/// cluster adds (the kubelet's token and CA mounts, RBAC, the EndpointSlice controller) is not here.
/// </summary>
public sealed class KubernetesEndpointDiscoveryTests(ITestOutputHelper output)
{
    private const string Namespace = "shop";
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Every_node_follows_the_endpoint_slices_with_readiness_honoured_and_one_node_asks_with_the_token()
    {
        await using var b1 = await TestBackend.StartAsync("b1");
        await using var b2 = await TestBackend.StartAsync("b2");
        using var dir = TempDirectory.Create();
        using var certificate = ApiCertificate(dir);
        await using var api = await FakeKubernetesApi.StartAsync(certificate);
        var token = Path.Combine(dir.Path, "token");
        await File.WriteAllTextAsync(token, "token-1\n");
        // Not ours: another Service's slice and a slice of a Service "web" in another namespace, at a port no backend
        // listens on. If discovery counted them, a host at that port would show up.
        var stranger = PortAllocator.Next();
        var others = new[]
        {
            Slice("api-x1", Namespace, "api", [("http", stranger)], Endpoint("127.0.0.1")),
            Slice("web-x1", "default", "web", [("http", stranger)], Endpoint("127.0.0.1")),
        };
        // b2's pod is starting: listed, not ready (not serving either).
        api.SetEndpointSlices([SliceOf("web-1", b1, Endpoint("127.0.0.1")), SliceOf("web-2", b2, Endpoint("127.0.0.1", ready: false, serving: false)), .. others]);

        await using var cluster = await LbCluster.StartAsync(output, 3, Body(api, dir, token), throttled: false);
        await PoolHosts.WaitEverywhereAsync(cluster, [Up(b1)], PoolHosts.IdAndState, "b1 (ready) and not b2 (not ready)");
        await PoolHosts.AssertRoutedByEveryNodeAsync(cluster, b1);
        Assert.Contains($"/apis/discovery.k8s.io/v1/namespaces/{Namespace}/endpointslices?labelSelector=kubernetes.io/service-name=web Bearer token-1", api.Requests);

        // b2 turns ready.
        api.SetEndpointSlices([SliceOf("web-1", b1, Endpoint("127.0.0.1")), SliceOf("web-2", b2, Endpoint("127.0.0.1")), .. others]);
        var clock = Stopwatch.StartNew();
        await PoolHosts.WaitEverywhereAsync(cluster, [Up(b1), Up(b2)], PoolHosts.IdAndState, "b2 to join once ready");
        var joined = clock.Elapsed;
        await PoolHosts.AssertRoutedByEveryNodeAsync(cluster, b2);

        // b1's pod is terminating but still serving: it drains, so no node sends it new requests.
        api.SetEndpointSlices([SliceOf("web-1", b1, Endpoint("127.0.0.1", ready: false, serving: true, terminating: true)), SliceOf("web-2", b2, Endpoint("127.0.0.1")), .. others]);
        clock.Restart();
        await PoolHosts.WaitEverywhereAsync(cluster, [$"{Id(b1)} drain", Up(b2)], PoolHosts.IdAndState, "b1 to drain while it terminates");
        var drained = clock.Elapsed;
        await AssertOnlyRoutedToAsync(cluster, b2, b1);

        // b1's pod is gone: its slice is deleted.
        api.SetEndpointSlices([SliceOf("web-2", b2, Endpoint("127.0.0.1")), .. others]);
        clock.Restart();
        await PoolHosts.WaitEverywhereAsync(cluster, [Up(b2)], PoolHosts.IdAndState, "b1 to leave with its slice");
        var left = clock.Elapsed;
        output.WriteLine($"K8S FOLLOW: interval {Interval.TotalMilliseconds:0} ms; on every node after: ready {joined.TotalMilliseconds:0} ms, draining {drained.TotalMilliseconds:0} ms, removed {left.TotalMilliseconds:0} ms");
        // The interval, the write window (1 s) and the registry's replication, with room for a loaded machine.
        foreach (var (what, took) in new[] { ("ready", joined), ("draining", drained), ("removed", left) })
        {
            Assert.True(took < TimeSpan.FromSeconds(5), $"{what} reached every node after {took}");
        }

        // The kubelet rotates the token in place: the next list carries the new one.
        await File.WriteAllTextAsync(token, "token-2\n");
        await Poll.UntilAsync(() => api.Requests.Any(r => r.EndsWith(" Bearer token-2", StringComparison.Ordinal)), "a list with the rotated token", TimeSpan.FromSeconds(10));

        // One node asks: one list per interval; three askers would send three times as many.
        var before = api.Requests.Count;
        var window = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(3)); // a measurement window, not a wait for an event
        var asked = api.Requests.Count - before;
        var oneAsker = (int)Math.Ceiling(window.Elapsed / Interval) + 2;
        output.WriteLine($"K8S LISTS: {asked} in {window.Elapsed.TotalSeconds:0.0} s with interval {Interval.TotalMilliseconds:0} ms (one asker: at most {oneAsker})");
        Assert.InRange(asked, 1, oneAsker);
        Assert.All(api.Requests, r => Assert.StartsWith($"/apis/discovery.k8s.io/v1/namespaces/{Namespace}/endpointslices?labelSelector=kubernetes.io/service-name=web Bearer token-", r));
    }

    [Fact]
    public async Task An_api_server_that_fails_or_hangs_keeps_the_last_hosts_and_says_so_once_per_streak()
    {
        await using var b1 = await TestBackend.StartAsync("b1");
        await using var b2 = await TestBackend.StartAsync("b2");
        using var dir = TempDirectory.Create();
        using var certificate = ApiCertificate(dir);
        await using var api = await FakeKubernetesApi.StartAsync(certificate);
        var token = Path.Combine(dir.Path, "token");
        await File.WriteAllTextAsync(token, "token-1");
        api.SetEndpointSlices(SliceOf("web-1", b1, Endpoint("127.0.0.1")), SliceOf("web-2", b2, Endpoint("127.0.0.1")));
        var logs = new LogRecorder();
        await using var cluster = await LbCluster.StartAsync(output, 1, Body(api, dir, token), throttled: false, logs: logs);
        await PoolHosts.WaitEverywhereAsync(cluster, [Up(b1), Up(b2)], PoolHosts.IdAndState, "both ready endpoints");

        // The counts start here: on a loaded machine the very first list (client start, TLS handshake) can itself
        // time out and make a streak of its own.
        var failed = logs.Count(Failed);
        var recovered = logs.Count(Recovered);
        var timedOut = logs.Count(TimedOut);

        // 500 on every list. Once the first failure is answered (one asker, one list at a time: none is in flight
        // now), b2 leaves the slices, which the node cannot see until the API answers again.
        api.FailWith = 500;
        await Poll.UntilAsync(() => api.Failures >= 1, "a list answered 500", TimeSpan.FromSeconds(10));
        api.SetEndpointSlices(SliceOf("web-1", b1, Endpoint("127.0.0.1")));
        await Poll.UntilAsync(() => api.Failures >= 4, "four lists answered 500", TimeSpan.FromSeconds(20));
        Assert.Equal(Sorted(Up(b1), Up(b2)), await PoolHosts.OnNodeAsync(cluster, 0, PoolHosts.IdAndState));
        Assert.Equal(failed + 1, logs.Count(Failed));
        Assert.Equal(1, logs.Count("answered 500 InternalServerError"));
        await PoolHosts.AssertRoutedByEveryNodeAsync(cluster, b2);

        api.FailWith = 0;
        await PoolHosts.WaitEverywhereAsync(cluster, [Up(b1)], PoolHosts.IdAndState, "b2 to leave once the API answers again");
        Assert.Equal(recovered + 1, logs.Count(Recovered));

        // An API server that hangs: each list times out (timeout = 1s) and the hosts stay.
        api.Delay = TimeSpan.FromSeconds(5);
        var asked = api.Requests.Count;
        await Poll.UntilAsync(() => api.Requests.Count >= asked + 3 && logs.Count(Failed) == failed + 2, "three lists, timing out", TimeSpan.FromSeconds(20));
        Assert.Equal([Up(b1)], await PoolHosts.OnNodeAsync(cluster, 0, PoolHosts.IdAndState));
        Assert.Equal(timedOut + 1, logs.Count(TimedOut));

        // An answer with no endpoints empties the pool's discovered hosts.
        api.SetEndpointSlices(SliceOf("web-1", b1));
        api.Delay = TimeSpan.Zero;
        await PoolHosts.WaitEverywhereAsync(cluster, [], PoolHosts.IdAndState, "the pool to empty on an answer with no endpoints");
        Assert.Equal(recovered + 2, logs.Count(Recovered));
        Assert.Equal(failed + 2, logs.Count(Failed));
    }

    // The fake API server's certificate, for 127.0.0.1, signed by a test CA (dir/ca.crt).
    private static X509Certificate2 ApiCertificate(TempDirectory dir)
    {
        CertificateFactory.CreateCa(dir.Path, "k8s-test-ca");
        return X509CertificateLoader.LoadPkcs12FromFile(CertificateFactory.CreateNode(dir.Path, dir.Path, "kube-api", ["127.0.0.1"]), null);
    }

    // The API server's certificate is checked against the test CA (ca-file), as a pod checks it against its ca.crt.
    private static string Body(FakeKubernetesApi api, TempDirectory dir, string token) => $$"""
        health-check { path = "/health", interval = 500ms }
        services.web.pools = [ {
          id = main
          discovery {
            type = kubernetes, service = web, namespace = {{Namespace}}, port = http
            api-server = "https://127.0.0.1:{{api.Port}}", token-file = "{{token}}", ca-file = "{{Path.Combine(dir.Path, CertificateFactory.CaCertificateFile)}}"
            interval = {{Interval.TotalMilliseconds:0}}ms, timeout = 1s
          }
        } ]
        """;

    // One backend's slice: a metrics port first, so the named port ("http") is what picks the backend's port.
    private static k8s.Models.V1EndpointSlice SliceOf(string name, TestBackend backend, params k8s.Models.V1Endpoint[] endpoints) =>
        Slice(name, Namespace, "web", [("metrics", 9090), ("http", backend.Url.Port)], endpoints);

    private const string Failed = "Kubernetes discovery failed";
    private const string Recovered = "the Kubernetes API answers again";
    private const string TimedOut = "within 1000 ms (discovery.timeout)";

    private static string[] Sorted(params string[] hosts) => [.. hosts.Order(StringComparer.Ordinal)];

    private static string Id(TestBackend backend) => $"127.0.0.1-{backend.Url.Port}";

    private static string Up(TestBackend backend) => $"{Id(backend)} up";

    /// <summary>Pool main's hosts on node <paramref name="node"/> as "id state", in id order.</summary>
    // Every node, once its router has the drain, sends ten requests in a row to `to` and none to `drained`.
    private static async Task AssertOnlyRoutedToAsync(LbCluster cluster, TestBackend to, TestBackend drained)
    {
        foreach (var i in cluster.Indexes)
        {
            await Poll.UntilAsync(async () =>
            {
                var (toBefore, drainedBefore) = (to.Hits, drained.Hits);
                for (var n = 0; n < 10; n++)
                {
                    using var response = await cluster.Proxy(i).GetAsync("/");
                }
                return to.Hits - toBefore == 10 && drained.Hits == drainedBefore;
            }, $"node {i + 1} to send ten requests in a row to {to.Name} and none to the draining {drained.Name}", TimeSpan.FromSeconds(10));
        }
    }
}
