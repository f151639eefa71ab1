using System.Diagnostics;
using System.Text.Json;
using ClusterLb.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// The runtime registry on three clustered nodes with real sockets: admin writes on one node route traffic on the
/// others, a partition's conflicting edits merge by the documented rules, and a whole-cluster restart brings the
/// registry back from each node's SQLite store.
/// </summary>
[Collection(RegistryClusterCollection.Name)]
public sealed class RegistryClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_host_added_on_node_1_is_routed_to_by_node_3_and_every_status_shows_the_version_with_lag_0()
    {
        await using var b1 = await TestBackend.StartAsync("b1");
        await using var cluster = await LbCluster.StartAsync(output, 3, Services(("main", [b1])));
        await WaitRegistryConvergedAsync(cluster, "main");

        var samples = new List<(double Ack, double Visible, double Routed)>();
        var added = new List<TestBackend>();
        try
        {
            for (var k = 1; k <= 5; k++)
            {
                var backend = await TestBackend.StartAsync($"n{k}");
                added.Add(backend);
                var clock = Stopwatch.StartNew();
                var answer = await cluster.Api(0).PostAsync("/api/pools/main/hosts", $$"""{"id":"{{backend.Name}}","address":"{{backend.Url}}"}""");
                var ack = clock.Elapsed;
                Assert.Equal(201, answer.Status);
                Assert.Equal("majority", answer.Str("consistency"));
                Assert.False(answer.Body.TryGetProperty("warning", out _));

                TimeSpan? visible = null, routed = null;
                await Poll.UntilAsync(async () =>
                {
                    if (visible is null && HostIds(await cluster.Api(2).GetAsync("/api/pools/main")).Contains(backend.Name))
                    {
                        visible = clock.Elapsed;
                    }
                    if (routed is null)
                    {
                        using var response = await cluster.Proxy(2).GetAsync("/");
                        if (backend.Hits > 0)
                        {
                            routed = clock.Elapsed;
                        }
                    }
                    return visible is not null && routed is not null;
                }, $"node 3 to list and route to {backend.Name}, added through node 1", Propagation);
                samples.Add((ack.TotalMilliseconds, visible!.Value.TotalMilliseconds, routed!.Value.TotalMilliseconds));
                output.WriteLine($"VISIBILITY {backend.Name}: node 1 answered majority after {ack.TotalMilliseconds:0} ms; " +
                    $"in node 3's GET /api/pools/main after {visible.Value.TotalMilliseconds:0} ms; first request through node 3's proxy reached it after {routed.Value.TotalMilliseconds:0} ms");
            }
            output.WriteLine($"VISIBILITY summary over {samples.Count} hosts (ms from the POST): ack median {Median(samples.Select(s => s.Ack)):0} max {samples.Max(s => s.Ack):0}; " +
                $"registry median {Median(samples.Select(s => s.Visible)):0} max {samples.Max(s => s.Visible):0}; routed median {Median(samples.Select(s => s.Routed)):0} max {samples.Max(s => s.Routed):0}");

            var expected = $"main web round-robin 0: b1={b1.Url} w1 up, " + string.Join(", ", added.Select(b => $"{b.Name}={b.Url} w1 up"));
            Assert.Equal(expected, await WaitRegistryConvergedAsync(cluster, "main"));
            await AssertStatusesAsync(cluster, expectedVersion: null);
        }
        finally
        {
            foreach (var backend in added)
            {
                await backend.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_host_taken_down_on_node_2_gets_no_traffic_from_any_node_and_up_brings_it_back()
    {
        await using var b1 = await TestBackend.StartAsync("b1");
        await using var b2 = await TestBackend.StartAsync("b2");
        await using var cluster = await LbCluster.StartAsync(output, 3, Services(("main", [b1, b2])));
        await WaitRegistryConvergedAsync(cluster, "main");
        await WaitInRotationAsync(cluster, "b2", true);
        foreach (var i in cluster.Indexes)
        {
            Assert.Equal(new Dictionary<string, int> { ["b1"] = 10, ["b2"] = 10 }, await SendAsync(cluster.Proxy(i), 20));
        }

        var clock = Stopwatch.StartNew();
        var down = await cluster.Api(1).PostAsync("/api/pools/main/hosts/b2/down");
        Assert.Equal(200, down.Status);
        Assert.Equal("majority", down.Str("consistency"));
        Assert.Equal("down", State(down.Body.GetProperty("pool"), "b2"));
        await WaitInRotationAsync(cluster, "b2", false);
        output.WriteLine($"VISIBILITY down: b2 out of rotation on every node {clock.Elapsed.TotalMilliseconds:0} ms after node 2's POST");

        var hitsWhileDown = b2.Hits;
        foreach (var i in cluster.Indexes)
        {
            Assert.Equal(new Dictionary<string, int> { ["b1"] = 30 }, await SendAsync(cluster.Proxy(i), 30));
        }
        Assert.Equal(hitsWhileDown, b2.Hits);
        Assert.Equal($"main web round-robin 0: b1={b1.Url} w1 up, b2={b2.Url} w1 down", await WaitRegistryConvergedAsync(cluster, "main"));

        clock.Restart();
        var up = await cluster.Api(1).PostAsync("/api/pools/main/hosts/b2/up");
        Assert.Equal(200, up.Status);
        Assert.Equal("majority", up.Str("consistency"));
        await WaitInRotationAsync(cluster, "b2", true);
        output.WriteLine($"VISIBILITY up: b2 back in rotation on every node {clock.Elapsed.TotalMilliseconds:0} ms after node 2's POST");
        foreach (var i in cluster.Indexes)
        {
            var before = b2.Hits;
            Assert.Equal(new Dictionary<string, int> { ["b1"] = 15, ["b2"] = 15 }, await SendAsync(cluster.Proxy(i), 30));
            Assert.Equal(before + 15, b2.Hits);
        }
        Assert.Equal($"main web round-robin 0: b1={b1.Url} w1 up, b2={b2.Url} w1 up", await WaitRegistryConvergedAsync(cluster, "main"));
        await AssertStatusesAsync(cluster, expectedVersion: null);
    }

    [Fact]
    public async Task Conflicting_edits_on_both_sides_of_a_partition_merge_by_the_documented_rules_on_every_node()
    {
        await using var b1 = await TestBackend.StartAsync("b1");
        await using var b2 = await TestBackend.StartAsync("b2");
        await using var b3 = await TestBackend.StartAsync("b3");
        await using var c1 = await TestBackend.StartAsync("c1");
        await using var cluster = await LbCluster.StartAsync(output, 3, Services(("main", [b1, b2, b3])));
        await WaitRegistryConvergedAsync(cluster, "main");

        // Node 1 alone | nodes 2 and 3: frames between the sides are dropped while the connections stay up.
        var (lone, majority) = (0, 1);
        foreach (var other in new[] { 1, 2 })
        {
            await cluster.PartitionAsync(lone, other);
        }
        await Poll.UntilAsync(async () => Unreachable(await cluster.Api(lone).GetAsync("/cluster/status")).Count == 2
            && Unreachable(await cluster.Api(majority).GetAsync("/cluster/status")).SequenceEqual([cluster.Address(lone)]),
            "each side to see the other as unreachable", TimeSpan.FromSeconds(30));

        // Majority side first: b1's weight, and b2 removed, and b3 taken down.
        var weight5 = await cluster.Api(majority).PutAsync("/api/pools/main/hosts/b1", """{"weight":5}""");
        var removeB2 = await cluster.Api(majority).DeleteAsync("/api/pools/main/hosts/b2");
        var downB3 = await cluster.Api(majority).PostAsync("/api/pools/main/hosts/b3/down");
        Assert.All([weight5, removeB2, downB3], a => Assert.Equal((200, "majority"), (a.Status, a.Str("consistency"))));

        // Then the lone node, which has seen none of it: a later weight for b1, c1 added, b3 removed.
        var weight3 = await cluster.Api(lone).PutAsync("/api/pools/main/hosts/b1", """{"weight":3}""");
        var addC1 = await cluster.Api(lone).PostAsync("/api/pools/main/hosts", $$"""{"id":"c1","address":"{{c1.Url}}"}""");
        var removeB3 = await cluster.Api(lone).DeleteAsync("/api/pools/main/hosts/b3");
        Assert.Equal((200, "local"), (weight3.Status, weight3.Str("consistency")));
        Assert.Equal((201, "local"), (addC1.Status, addC1.Str("consistency")));
        Assert.Equal((200, "local"), (removeB3.Status, removeB3.Str("consistency")));
        Assert.All([weight3, addC1, removeB3], a => Assert.False(string.IsNullOrWhiteSpace(a.Str("warning"))));
        output.WriteLine($"minority write warning: {weight3.Str("warning")}");

        // Each side sees only its own edits while cut off.
        Assert.Equal($"main web round-robin 0: b1={b1.Url} w3 up, b2={b2.Url} w1 up, c1={c1.Url} w1 up",
            Fingerprint((await cluster.Api(lone).GetAsync("/api/pools/main")).Body));
        await Poll.UntilAsync(async () => Fingerprint((await cluster.Api(2).GetAsync("/api/pools/main")).Body)
            == $"main web round-robin 0: b1={b1.Url} w5 up, b3={b3.Url} w1 down", "node 3 to have the majority side's edits", Propagation);

        var clock = Stopwatch.StartNew();
        foreach (var other in new[] { 1, 2 })
        {
            await cluster.HealAsync(lone, other);
        }
        // The later weight wins (3), both the add (c1) and the remove (b2) apply, and for b3 the later write wins:
        // the lone node's remove came after the majority's down, so b3 is gone.
        var merged = $"main web round-robin 0: b1={b1.Url} w3 up, c1={c1.Url} w1 up";
        Assert.Equal(merged, await WaitRegistryConvergedAsync(cluster, "main", TimeSpan.FromSeconds(30)));
        output.WriteLine($"VISIBILITY heal: every node identical {clock.Elapsed.TotalMilliseconds:0} ms after the partition healed");
        // Nobody was downed: the same three members, all Up and reachable.
        await cluster.WaitFormedAsync();
        await AssertStatusesAsync(cluster, expectedVersion: null);

        // Traffic follows the merged registry on every node: b1:c1 = 3:1, nothing to b2 or b3.
        await WaitInRotationAsync(cluster, "c1", true);
        var (b2Hits, b3Hits) = (b2.Hits, b3.Hits);
        foreach (var i in cluster.Indexes)
        {
            Assert.Equal(new Dictionary<string, int> { ["b1"] = 30, ["c1"] = 10 }, await SendAsync(cluster.Proxy(i), 40));
        }
        Assert.Equal((b2Hits, b3Hits), (b2.Hits, b3.Hits));
    }

    [Fact]
    public async Task After_every_node_restarts_on_its_data_directory_the_runtime_registry_is_back_and_routes()
    {
        await using var b1 = await TestBackend.StartAsync("b1");
        await using var b2 = await TestBackend.StartAsync("b2");
        await using var b3 = await TestBackend.StartAsync("b3");
        await using var c1 = await TestBackend.StartAsync("c1");
        await using var cluster = await LbCluster.StartAsync(output, 3, Services(("main", [b1, b2])));
        await WaitRegistryConvergedAsync(cluster, "main");

        // Runtime changes, each through another node: a pool created, hosts added, a configured host removed.
        Assert.Equal(201, (await cluster.Api(0).PostAsync("/api/pools", """{"id":"blue","service":"web","method":"random","priority":5}""")).Status);
        Assert.Equal(201, (await cluster.Api(1).PostAsync("/api/pools/blue/hosts", $$"""{"id":"c1","address":"{{c1.Url}}"}""")).Status);
        Assert.Equal(201, (await cluster.Api(2).PostAsync("/api/pools/main/hosts", $$"""{"id":"b3","address":"{{b3.Url}}","weight":2}""")).Status);
        Assert.Equal(200, (await cluster.Api(0).DeleteAsync("/api/pools/main/hosts/b2")).Status);
        var main = $"main web round-robin 0: b1={b1.Url} w1 up, b3={b3.Url} w2 up";
        var blue = $"blue web random 5: c1={c1.Url} w1 up";
        Assert.Equal(main, await WaitRegistryConvergedAsync(cluster, "main"));
        Assert.Equal(blue, await WaitRegistryConvergedAsync(cluster, "blue"));
        var versionBefore = await AssertStatusesAsync(cluster, expectedVersion: null);

        await cluster.StopAllAsync();

        // Node 3 first, alone: it cannot join (node 1 is the first seed), so what it routes with comes from its own
        // SQLite store, including the changes it only received from nodes 1 and 2.
        var clock = Stopwatch.StartNew();
        await cluster.StartNodeAsync(2);
        output.WriteLine($"RESTART: node 3 started alone in {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.Equal(main, Fingerprint((await cluster.Api(2).GetAsync("/api/pools/main")).Body));
        Assert.Equal(blue, Fingerprint((await cluster.Api(2).GetAsync("/api/pools/blue")).Body));
        Assert.Equal(["main", "blue"], PoolIds(await cluster.Api(2).GetAsync("/api/pools")));
        Assert.Equal(["b1", "b3"], cluster[2].Handles["web"].Snapshot.Pools.Single(p => p.Id == "main").All.Select(h => h.Id).Order());

        // Then the other two at once; the three form one cluster again.
        clock.Restart();
        await Task.WhenAll(cluster.StartNodeAsync(0), cluster.StartNodeAsync(1));
        await cluster.WaitFormedAsync();
        output.WriteLine($"RESTART: nodes 1 and 2 started and the three formed a cluster in {clock.Elapsed.TotalMilliseconds:0} ms");
        foreach (var i in cluster.Indexes)
        {
            Assert.Equal(main, Fingerprint((await cluster.Api(i).GetAsync("/api/pools/main")).Body));
            Assert.Equal(blue, Fingerprint((await cluster.Api(i).GetAsync("/api/pools/blue")).Body));
            Assert.Equal(["main", "blue"], PoolIds(await cluster.Api(i).GetAsync("/api/pools")));
        }
        Assert.Equal(main, await WaitRegistryConvergedAsync(cluster, "main"));
        Assert.Equal(blue, await WaitRegistryConvergedAsync(cluster, "blue"));
        // Nothing was seeded again: the version is the one before the restart.
        Assert.Equal(versionBefore, await AssertStatusesAsync(cluster, expectedVersion: versionBefore));

        // main (priority 0) serves b1:b3 = 1:2 and never the removed b2; blue is the fallback.
        await WaitInRotationAsync(cluster, "b3", true);
        var b2Hits = b2.Hits;
        foreach (var i in cluster.Indexes)
        {
            Assert.Equal(new Dictionary<string, int> { ["b1"] = 10, ["b3"] = 20 }, await SendAsync(cluster.Proxy(i), 30));
        }
        Assert.Equal(b2Hits, b2.Hits);

        // With main's hosts down, every node falls back to the runtime pool blue.
        Assert.Equal(200, (await cluster.Api(1).PostAsync("/api/pools/main/hosts/b1/down")).Status);
        Assert.Equal(200, (await cluster.Api(1).PostAsync("/api/pools/main/hosts/b3/down")).Status);
        await WaitInRotationAsync(cluster, "b1", false);
        await WaitInRotationAsync(cluster, "b3", false);
        foreach (var i in cluster.Indexes)
        {
            Assert.Equal(new Dictionary<string, int> { ["c1"] = 10 }, await SendAsync(cluster.Proxy(i), 10));
        }
        Assert.Equal(b2Hits, b2.Hits);
    }

    /// <summary>
    /// Waits until every node's <c>GET /api/pools/{pool}</c> is the same (pool fields and each host's id, address,
    /// weight and state; health and in-flight are per node) and returns it.
    /// </summary>
    private static async Task<string> WaitRegistryConvergedAsync(LbCluster cluster, string pool, TimeSpan? deadline = null)
    {
        var views = Array.Empty<string>();
        await Poll.UntilAsync(async () =>
        {
            views = await Task.WhenAll(cluster.Indexes.Select(async i =>
            {
                var answer = await cluster.Api(i).GetAsync($"/api/pools/{pool}");
                return answer.Status == 200 ? Fingerprint(answer.Body) : $"status {answer.Status}";
            }));
            return views.Distinct().Count() == 1 && views[0].StartsWith(pool + " ", StringComparison.Ordinal);
        }, $"every node's GET /api/pools/{pool} to be the same", deadline ?? Propagation);
        return views[0];
    }

    /// <summary>
    /// Waits until every node's <c>/status</c> and <c>/cluster/status</c> show one registry version and, for every
    /// node of the cluster, that version applied with lag 0; returns the version.
    /// </summary>
    private async Task<long> AssertStatusesAsync(LbCluster cluster, long? expectedVersion)
    {
        var addresses = cluster.Indexes.Select(cluster.Address).Order(StringComparer.Ordinal).ToArray();
        var seen = "";
        long version = 0;
        await Poll.UntilAsync(async () =>
        {
            var registries = new List<JsonElement>();
            foreach (var i in cluster.Indexes)
            {
                foreach (var path in new[] { "/status", "/cluster/status" })
                {
                    var answer = await cluster.Api(i).GetAsync(path);
                    Assert.True(answer.Status == 200, $"node {i + 1} {path}: {answer}");
                    registries.Add(answer.Body.GetProperty("registry"));
                }
            }
            seen = string.Join(" | ", registries.Select(r => JsonSerializer.Serialize(r)));
            version = registries[0].GetProperty("version").GetInt64();
            var v = version;
            return registries.All(r => r.GetProperty("version").GetInt64() == v
                && r.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("node").GetString()).SequenceEqual(addresses)
                && r.GetProperty("nodes").EnumerateArray().All(n => n.GetProperty("lag").GetInt64() == 0 && n.GetProperty("version").GetInt64() == v));
        }, "every /status and /cluster/status to show one registry version, applied by every node (lag 0)", Propagation);
        output.WriteLine($"registry status on node 1: {seen.Split(" | ")[0]}");
        Assert.True(version > 0);
        if (expectedVersion is { } expected)
        {
            Assert.Equal(expected, version);
        }
        return version;
    }

    /// <summary>Waits until <paramref name="host"/> is (or is not) among the hosts every node's router may pick.</summary>
    private static Task WaitInRotationAsync(LbCluster cluster, string host, bool inRotation) =>
        Poll.UntilAsync(() => cluster.Indexes.All(i =>
                cluster[i].Handles["web"].Snapshot.Pools.SelectMany(p => p.Healthy).Any(h => h.Id == host) == inRotation),
            $"{host} to be {(inRotation ? "in" : "out of")} rotation on every node", Propagation);

    private static async Task<Dictionary<string, int>> SendAsync(HttpClient proxy, int count)
    {
        var answers = new Dictionary<string, int>();
        for (var i = 0; i < count; i++)
        {
            using var response = await proxy.GetAsync("/");
            var key = response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : $"status {(int)response.StatusCode}";
            answers[key] = answers.GetValueOrDefault(key) + 1;
        }
        return answers;
    }

    /// <summary>HOCON for one service <c>web</c> with the given pools (priority in list order), checked every 100 ms.</summary>
    private static string Services(params (string Id, TestBackend[] Hosts)[] pools) => $$"""
        health-check { path = "/health", interval = 100ms }
        services.web.pools = [ {{string.Join(", ", pools.Select((p, i) => $"{{ id = {p.Id}, priority = {i}, hosts = [ {string.Join(", ", p.Hosts.Select(h => $"{{ id = {h.Name}, address = \"{h.Url}\" }}"))} ] }}"))}} ]
        """;

    /// <summary>What every node must agree on about a pool: <c>id service method priority: host=address wN state, ...</c>.</summary>
    private static string Fingerprint(JsonElement pool) =>
        $"{pool.GetProperty("id").GetString()} {pool.GetProperty("service").GetString()} {pool.GetProperty("method").GetString()} {pool.GetProperty("priority").GetInt32()}: "
        + string.Join(", ", pool.GetProperty("hosts").EnumerateArray()
            .Select(h => $"{h.GetProperty("id").GetString()}={new Uri(h.GetProperty("address").GetString()!)} w{h.GetProperty("weight").GetInt32()} {h.GetProperty("state").GetString()}")
            .Order(StringComparer.Ordinal));

    private static string[] HostIds(AdminAnswer pool) =>
        pool.Status == 200 ? [.. pool.Body.GetProperty("hosts").EnumerateArray().Select(h => h.GetProperty("id").GetString()!)] : [];

    private static string[] PoolIds(AdminAnswer pools) => [.. pools.Body.EnumerateArray().Select(p => p.GetProperty("id").GetString()!)];

    private static string? State(JsonElement pool, string host) =>
        pool.GetProperty("hosts").EnumerateArray().Single(h => h.GetProperty("id").GetString() == host).GetProperty("state").GetString();

    private static List<string> Unreachable(AdminAnswer view) =>
        view.Status == 200 ? [.. view.Body.GetProperty("unreachable").EnumerateArray().Select(u => u.GetProperty("subject").GetString()!).Order(StringComparer.Ordinal)] : [];

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>The three-node registry tests run one at a time, never beside another cluster test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RegistryClusterCollection
{
    public const string Name = "registry-cluster";
}
