using System.Diagnostics;
using System.Text.Json;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Tests.Shared;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// <c>discovery.type = dns</c> on three clustered nodes against a DNS responder on loopback whose answers the test
/// changes: every node routes to what the name answers within its TTL, one node (the singleton) asks, the admin API
/// refuses to edit a discovered host, and a silent server keeps the last hosts.
/// </summary>
public sealed class DnsDiscoveryTests(ITestOutputHelper output)
{
    private const string Name = "_http._tcp.web.test";
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Every_node_follows_the_srv_answers_within_the_ttl_and_one_node_asks()
    {
        await using var dns = new TestDnsServer { SrvGlue = true };
        await using var b1 = await TestBackend.StartAsync("b1");
        await using var b2 = await TestBackend.StartAsync("b2");
        dns.SetAddresses("b1.test", Ttl, "127.0.0.1");
        dns.SetAddresses("b2.test", Ttl, "127.0.0.1");
        dns.SetSrv(Name, Ttl, (10, 1, (ushort)b1.Url.Port, "b1.test"));
        await using var cluster = await LbCluster.StartAsync(output, 3, $$"""
            health-check { path = "/health", interval = 500ms }
            services.web.pools = [ {
              id = main
              discovery { type = dns, name = "{{Name}}", resolvers = ["{{dns.EndPoint}}"], min-interval = 500ms, interval = 10s, timeout = 500ms }
            } ]
            """, throttled: false);

        await PoolHosts.WaitEverywhereAsync(cluster, [Id(b1)], PoolHosts.Id, "b1, the first answer");
        await PoolHosts.AssertRoutedByEveryNodeAsync(cluster, b1);

        // b2 joins the answer: every node lists and routes to it within the TTL (plus the write and its replication).
        dns.SetSrv(Name, Ttl, (10, 1, (ushort)b1.Url.Port, "b1.test"), (10, 1, (ushort)b2.Url.Port, "b2.test"));
        var clock = Stopwatch.StartNew();
        await PoolHosts.WaitEverywhereAsync(cluster, [Id(b1), Id(b2)], PoolHosts.Id, "b2 to join on every node");
        var joined = clock.Elapsed;
        await PoolHosts.AssertRoutedByEveryNodeAsync(cluster, b2);

        // b1 leaves the answer.
        dns.SetSrv(Name, Ttl, (10, 1, (ushort)b2.Url.Port, "b2.test"));
        clock.Restart();
        await PoolHosts.WaitEverywhereAsync(cluster, [Id(b2)], PoolHosts.Id, "b1 to leave on every node");
        var left = clock.Elapsed;
        output.WriteLine($"DNS FOLLOW: TTL {Ttl.TotalSeconds:0} s; a host added to the answer was on every node after {joined.TotalMilliseconds:0} ms, a host removed was gone after {left.TotalMilliseconds:0} ms");
        Assert.True(joined < Ttl + TimeSpan.FromSeconds(2), $"b2 reached every node after {joined}, TTL {Ttl}");
        Assert.True(left < Ttl + TimeSpan.FromSeconds(2), $"b1 left every node after {left}, TTL {Ttl}");

        // One node asks: with glue, a resolution is one query, due every TTL; three askers would triple the count.
        var queries = dns.Queries;
        var window = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(6)); // a measurement window, not a wait for an event
        var asked = dns.Queries - queries;
        var oneAsker = (int)Math.Ceiling(window.Elapsed / Ttl) + 2;
        output.WriteLine($"DNS QUERIES: {asked} in {window.Elapsed.TotalSeconds:0.0} s with TTL {Ttl.TotalSeconds:0} s (one asker: at most {oneAsker})");
        Assert.InRange(asked, 1, oneAsker);
    }

    [Fact]
    public async Task A_discovered_host_is_shown_with_its_source_refused_to_the_admin_api_and_kept_while_dns_is_silent()
    {
        await using var dns = new TestDnsServer();
        await using var b1 = await TestBackend.StartAsync("b1");
        dns.SetAddresses("web.test", Ttl, "127.0.0.1");
        await using var cluster = await LbCluster.StartAsync(output, 1, $$"""
            health-check { path = "/health", interval = 500ms }
            services.web.pools = [ {
              id = main
              hosts = [ { id = pinned, address = "{{b1.Url}}" } ]
              discovery { type = dns, name = "web.test", port = {{b1.Url.Port}}, resolvers = ["{{dns.EndPoint}}"], min-interval = 500ms, timeout = 300ms }
            } ]
            """, throttled: false);
        var id = Id(b1);
        await PoolHosts.WaitEverywhereAsync(cluster, [id, "pinned"], PoolHosts.Id, "the discovered host beside the static one");

        var pool = await cluster.Api(0).GetAsync("/api/pools/main");
        var sources = pool.Body.GetProperty("hosts").EnumerateArray().ToDictionary(h => h.GetProperty("id").GetString()!, h => h.GetProperty("source").GetString());
        Assert.Equal(new Dictionary<string, string?> { [id] = "dns", ["pinned"] = "static" }, sources);
        var status = await cluster.Api(0).GetAsync("/status");
        var statusHosts = status.Body.GetProperty("services").EnumerateArray().Single().GetProperty("pools").EnumerateArray().Single().GetProperty("hosts").EnumerateArray();
        Assert.Equal("dns", statusHosts.Single(h => h.GetProperty("id").GetString() == id).GetProperty("source").GetString());

        foreach (var (verb, path, body) in new[]
        {
            ("PUT", $"/api/pools/main/hosts/{id}", """{"weight":5}"""),
            ("POST", $"/api/pools/main/hosts/{id}/down", null),
            ("DELETE", $"/api/pools/main/hosts/{id}", null),
        })
        {
            var refused = await cluster.Api(0).SendAsync(new HttpMethod(verb), path, body);
            Assert.Equal(409, refused.Status);
            Assert.Contains("found by dns discovery", refused.Str("reason"));
        }
        var after = (await cluster.Api(0).GetAsync("/api/pools/main")).Body.GetProperty("hosts").EnumerateArray().Single(h => h.GetProperty("id").GetString() == id);
        Assert.Equal((1, "up", "dns"), (after.GetProperty("weight").GetInt32(), after.GetProperty("state").GetString(), after.GetProperty("source").GetString()));

        // A silent server: resolutions fail, and the host stays (nginx and HAProxy keep servers on resolver errors).
        dns.Mode = DnsServerMode.Silent;
        var asked = dns.Queries;
        await Poll.UntilAsync(() => dns.Queries >= asked + 3, "three unanswered DNS queries", TimeSpan.FromSeconds(20));
        Assert.Equal([id, "pinned"], await PoolHosts.OnNodeAsync(cluster, 0, PoolHosts.Id));
        dns.Mode = DnsServerMode.Answer;
    }

    private static string Id(TestBackend backend) => $"127.0.0.1-{backend.Url.Port}";
}
