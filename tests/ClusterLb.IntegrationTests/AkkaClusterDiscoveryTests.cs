using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterLb.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// <c>discovery.type = akka-cluster</c>: three ClusterLb nodes in one process and backend processes (the sample in
/// samples/ClusterLb.Backend.Sample) that join the same cluster with the role <c>backend:web</c>. No admin call, no
/// database: a backend is routed by every node soon after its MemberUp, a killed one costs idempotent requests
/// nothing and leaves the pool after the grace period, and one that stops gracefully is drained first.
/// </summary>
public sealed partial class AkkaClusterDiscoveryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);

    // Each backend's announced address (as the registry writes it) to its name.
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    [GeneratedRegex(@"^MEMBER-UP (\S+) (\d+)$")]
    private static partial Regex MemberUpLine();

    [Fact]
    public async Task Backends_that_join_are_routed_by_every_node_a_killed_one_costs_nothing_and_a_stopped_one_drains_first()
    {
        await using var cluster = await LbCluster.StartAsync(output, 3, $$"""
            health-check { path = "/health", interval = 500ms }
            # The harness keeps unreachable members for 10 minutes; here the resolver downs a killed backend, as it
            # would with the defaults (stable-after 20 s), so members that join later become Up.
            cluster.split-brain-resolver.stable-after = 5s
            services.web.pools = [ {
              id = main
              discovery { type = akka-cluster, role = "backend:web", unreachable-grace = {{Grace.TotalSeconds}}s }
            } ]
            """, throttled: false);
        var backends = new List<ClusterLbProcess>();
        try
        {
            // Each backend: routed through every LB node within 2 s of its own MemberUp.
            var b1 = StartBackend(cluster, "b1", backends);
            await AssertRoutedSoonAfterMemberUpAsync(cluster, b1);
            var b2 = StartBackend(cluster, "b2", backends);
            await AssertRoutedSoonAfterMemberUpAsync(cluster, b2);
            await WaitForPoolAsync(cluster, ["b1 up", "b2 up"], "both backends in pool main");

            // kill -9 b1 under load: passive checks and retries keep every request whole; discovery drops b1 after the grace period.
            await using (var load = SteadyLoad.Start(() => [.. cluster.Indexes.Select(i => (Uri?)cluster[i].ProxyUrl)], output))
            {
                await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(20));
                load.Mark("kill -9 b1");
                b1.Kill();
                var killed = Stopwatch.StartNew();
                await WaitForPoolAsync(cluster, ["b2 up"], "b1 to leave pool main after it became unreachable and the grace period passed", TimeSpan.FromSeconds(30));
                load.Mark($"b1 gone from every node's pool after {killed.Elapsed.TotalSeconds:0.0} s");
                output.WriteLine($"KILLED BACKEND: out of every node's pool {killed.Elapsed.TotalMilliseconds:0} ms after kill -9 (failure detection + {Grace.TotalSeconds:0} s grace)");
                await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(20));
                await load.StopAsync();
                load.Report();
                Assert.Equal((0, 0), (load.Failed, load.Retried));
            }

            // A third backend, then b2 stops gracefully (SIGTERM) under load: it drains on every node before it exits.
            var b3 = StartBackend(cluster, "b3", backends);
            await AssertRoutedSoonAfterMemberUpAsync(cluster, b3);
            await using (var load = SteadyLoad.Start(() => [.. cluster.Indexes.Select(i => (Uri?)cluster[i].ProxyUrl)], output))
            {
                await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(20));
                load.Mark("SIGTERM b2");
                await b2.TerminateAsync();
                await WaitForPoolAsync(cluster, ["b2 drain", "b3 up"], "b2 to drain on every node", TimeSpan.FromSeconds(10));
                Assert.False(b2.HasExited, "b2 exited before every node drained it");
                load.Mark("b2 drained on every node while still running");
                Assert.Equal(0, await b2.WaitForExitAsync(TimeSpan.FromSeconds(30)));
                await WaitForPoolAsync(cluster, ["b3 up"], "b2 to leave pool main once it left the cluster", TimeSpan.FromSeconds(30));
                await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(20));
                await load.StopAsync();
                load.Report();
                Assert.Equal((0, 0), (load.Failed, load.Retried));
                Assert.True(load.ByBackend.GetValueOrDefault("b3") > 0);
            }
        }
        finally
        {
            foreach (var backend in backends)
            {
                backend.Dispose();
            }
        }
    }

    private ClusterLbProcess StartBackend(LbCluster cluster, string name, List<ClusterLbProcess> started)
    {
        var http = PortAllocator.Next();
        _names[$"http://127.0.0.1:{http}/"] = name;
        var seeds = string.Join(",", cluster.Indexes.Select(cluster.Address));
        var process = ClusterLbProcess.StartAssembly(
            Path.Combine(AppContext.BaseDirectory, "ClusterLb.Backend.Sample.dll"), [], name, output, null,
            "--name", name, "--url", $"http://127.0.0.1:{http}", "--cluster-port", PortAllocator.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--seeds", seeds, "--role", "backend:web", "--Logging:LogLevel:Microsoft.AspNetCore=Warning");
        started.Add(process);
        return process;
    }

    /// <summary>The backend's MemberUp (its own line), then the first answer from it through each LB node.</summary>
    private async Task AssertRoutedSoonAfterMemberUpAsync(LbCluster cluster, ClusterLbProcess backend)
    {
        var up = await backend.WaitForLineAsync(MemberUpLine(), TimeSpan.FromSeconds(60));
        var memberUp = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(up.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        var after = new List<double>();
        foreach (var i in cluster.Indexes)
        {
            await Poll.UntilAsync(async () =>
            {
                using var response = await cluster.Proxy(i).GetAsync("/");
                return response.Headers.TryGetValues("X-Backend", out var names) && names.Contains(backend.Name);
            }, $"node {i + 1} to route a request to {backend.Name}", TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(20));
            after.Add((DateTimeOffset.UtcNow - memberUp).TotalMilliseconds);
        }
        output.WriteLine($"JOINED BACKEND {backend.Name}: first answer through nodes 1..3 at {string.Join(", ", after.Select(ms => $"{ms:0} ms"))} after its MemberUp");
        Assert.All(after, ms => Assert.True(ms <= 2000, $"{backend.Name} was routed {ms:0} ms after its MemberUp"));
    }

    private Task WaitForPoolAsync(LbCluster cluster, string[] expected, string what, TimeSpan? deadline = null) =>
        PoolHosts.WaitEverywhereAsync(cluster, expected, NameAndState, what, deadline ?? TimeSpan.FromSeconds(15));

    // A host as "<backend name> <state>" (the address's port tells which process it is); every one must come from discovery.
    private string NameAndState(JsonElement host)
    {
        var address = host.GetProperty("address").GetString()!;
        return host.GetProperty("source").GetString() == "akka-cluster"
            ? $"{_names.GetValueOrDefault(address, address)} {host.GetProperty("state").GetString()}"
            : throw new InvalidOperationException($"a host not from akka-cluster discovery: {host}");
    }
}
