using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Runtime.Security;
using ClusterLb.Tests.Shared;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// A real 3|2 network partition: five <c>clusterlb run</c> processes, each in its own network namespace with its
/// own address, mutual TLS with a certificate per node IP, keep-majority with a 5 s stable-after and Akka's
/// default failure detector. iptables in the two minority namespaces drops every packet to and from the majority;
/// the minority must down itself and exit, the majority must converge on itself and keep routing, and at no poll
/// may both sides claim the cluster. Then the rules go, the two start again as new incarnations, and all five are
/// Up. Runs alone: it is the heaviest test (five nodes plus TLS on two cores).
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed partial class NetworkPartitionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Size = 5;
    private const int ClusterPort = 4053;
    private const int ProxyPort = 8080;
    private const int AdminPort = 8081;
    private const string Token = "netns-test-token";

    private static readonly int[] Majority = [0, 1, 2];
    private static readonly int[] Minority = [3, 4];
    private static readonly int[] Everyone = [0, 1, 2, 3, 4];

    /// <summary>Generous: five .NET processes doing TLS handshakes on a shared 2-core machine.</summary>
    private static readonly TimeSpan FormDeadline = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan PartitionDeadline = TimeSpan.FromSeconds(120);

    /// <summary>Each poll asks up to five nodes over HTTP: 100 ms between polls is resolution enough and spares the CPU.</summary>
    private static readonly TimeSpan StatusPollPause = TimeSpan.FromMilliseconds(100);

    private readonly List<ClusterLbProcess> _started = [];
    private readonly ClusterLbProcess?[] _nodes = new ClusterLbProcess?[Size];
    private readonly int[] _incarnations = new int[Size];
    private readonly HttpClient _admin = new() { Timeout = TimeSpan.FromSeconds(3) };
    private NetworkNamespaces? _namespaces;
    private TestBackend? _backend;
    private TempDirectory? _directory;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // Processes first (a namespace with a live process in it outlives `ip netns delete`), then the network.
        foreach (var process in _started)
        {
            process.Dispose();
        }
        if (_namespaces is not null)
        {
            await _namespaces.DisposeAsync();
        }
        if (_backend is not null)
        {
            await _backend.DisposeAsync();
        }
        _admin.Dispose();
        _directory?.Dispose();
    }

    [NetworkNamespaceFact]
    public async Task A_3_2_partition_downs_the_minority_the_majority_keeps_serving_and_the_healed_nodes_rejoin()
    {
        Prerequisites.RequireNetworkNamespaces();
        _directory = TempDirectory.Create();
        _namespaces = await NetworkNamespaces.CreateAsync(output, Size);
        var net = _namespaces;
        _backend = await TestBackend.StartAsync("b1", IPAddress.Parse(net.HostAddress));
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var certificates = Path.Combine(_directory.Path, "certs");
        CertificateFactory.CreateCa(certificates, "clusterlb-netns-ca");
        var seeds = net.Addresses.Select(a => $"akka.ssl.tcp://clusterlb@{a}:{ClusterPort}").ToArray();
        for (var i = 0; i < Size; i++)
        {
            CertificateFactory.CreateNode(certificates, certificates, Name(i), [net.Addresses[i]]);
        }

        foreach (var i in Everyone)
        {
            await StartAsync(i);
        }
        var formed = await WaitForAgreementAsync(Everyone, seeds, FormDeadline);
        var oldUids = Minority.ToDictionary(i => i, i => ProcessCluster.Uid(formed, seeds[i]));
        output.WriteLine($"formed: {ProcessCluster.Fingerprint(formed)}");

        // --- partition 3|2 ---------------------------------------------------------------------------------------
        // The clock starts once every DROP rule is in place (both namespaces, one iptables-restore each).
        var applying = Stopwatch.StartNew();
        await net.PartitionAsync(Minority, Majority);
        var clock = Stopwatch.StartNew();
        var applied = applying.Elapsed;
        foreach (var i in Minority)
        {
            output.WriteLine($"rules in {net.Names[i]}:\n{await net.RulesAsync(i)}");
        }
        TimeSpan? firstUnreachable = null, allUnreachable = null, majorityDecided = null, minorityDecided = null, minorityExited = null, majorityConverged = null;
        var decisionsBefore = Everyone.Select(i => _nodes[i]!.CountLines(SplitBrainDecision())).ToArray();
        var minorityClaims = new List<string>();
        var splitBrain = new List<string>();
        var majoritySeeds = Majority.Select(i => seeds[i]).Order(StringComparer.Ordinal).ToArray();
        await Poll.UntilAsync(async () =>
        {
            var views = await Task.WhenAll(Everyone.Select(i => _nodes[i]!.HasExited ? Task.FromResult<JsonElement?>(null) : StatusAsync(net, i)));
            var now = clock.Elapsed;
            if (firstUnreachable is null && views.Any(v => v is { } view && view.GetProperty("members").EnumerateArray().Any(m => !m.GetProperty("reachable").GetBoolean())))
            {
                firstUnreachable = now;
            }
            if (allUnreachable is null && Majority.All(i => views[i] is { } view && Minority.All(m => IsUnreachableOrGone(view, seeds[m]))))
            {
                allUnreachable = now;
            }
            var majorityClaim = Majority.Where(i => views[i] is { } view && Claims(view, Majority, Minority, seeds)).ToArray();
            var minorityClaim = Minority.Where(i => views[i] is { } view && Claims(view, Minority, Majority, seeds)).ToArray();
            foreach (var i in minorityClaim)
            {
                minorityClaims.Add($"{now.TotalSeconds:0.0} s {Name(i)}: {ProcessCluster.Fingerprint(views[i]!.Value)}");
            }
            if (majorityClaim.Length > 0 && minorityClaim.Length > 0)
            {
                splitBrain.Add($"{now.TotalSeconds:0.0} s: {Name(majorityClaim[0])} {ProcessCluster.Fingerprint(views[majorityClaim[0]]!.Value)} and {Name(minorityClaim[0])} {ProcessCluster.Fingerprint(views[minorityClaim[0]]!.Value)}");
            }
            // The SBR's decision as its log line reaches us (within the poll pause of when it was written).
            majorityDecided ??= Majority.Any(i => _nodes[i]!.CountLines(SplitBrainDecision()) > decisionsBefore[i]) ? now : null;
            minorityDecided ??= Minority.Any(i => _nodes[i]!.CountLines(SplitBrainDecision()) > decisionsBefore[i]) ? now : null;
            if (minorityExited is null && Minority.All(i => _nodes[i]!.HasExited))
            {
                minorityExited = now;
            }
            if (majorityConverged is null
                && Majority.All(i => views[i] is { } view && ProcessCluster.AllUp(view, majoritySeeds))
                && Majority.Select(i => ProcessCluster.Fingerprint(views[i]!.Value)).Distinct().Count() == 1)
            {
                majorityConverged = now;
            }
            return minorityExited is not null && majorityConverged is not null;
        }, "the minority to exit and the majority to converge on itself", PartitionDeadline, StatusPollPause);

        output.WriteLine($"TIMING iptables rules applied in {applied.TotalSeconds:0.00} s; from the partition: first unreachable {Seconds(firstUnreachable)}, " +
            $"both minority nodes unreachable on every majority node {Seconds(allUnreachable)}, SBR decision logged by the majority {Seconds(majorityDecided)} " +
            $"and by the minority {Seconds(minorityDecided)}, minority exited {Seconds(minorityExited)}, majority converged {Seconds(majorityConverged)}");
        Assert.Empty(splitBrain);
        Assert.Empty(minorityClaims);
        Assert.NotNull(allUnreachable);
        foreach (var i in Minority)
        {
            // 3, not 0: a node the cluster downed exits non-zero so a supervisor starts a new incarnation.
            Assert.Equal(3, await _nodes[i]!.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        }
        Assert.True(Minority.Sum(i => _nodes[i]!.CountLines(SplitBrainDecision())) > 0, "the minority's own split brain resolver took the decision to down its side");
        Assert.True(Minority.All(i => _nodes[i]!.CountLines(DowningShutdown()) > 0), "each minority node ran CoordinatedShutdown because it was downed");

        // The majority still serves: status answers, and the proxy routes to the backend.
        foreach (var i in Majority)
        {
            using var status = await _admin.GetAsync(new Uri($"http://{net.Addresses[i]}:{AdminPort}/status"));
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            using var proxy = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            Assert.Equal("b1", await proxy.GetStringAsync(new Uri($"http://{net.Addresses[i]}:{ProxyPort}/")));
        }

        // --- heal and restart the minority as new incarnations ---------------------------------------------------
        await net.HealAsync();
        foreach (var i in Minority)
        {
            Assert.DoesNotContain("DROP", await net.RulesAsync(i), StringComparison.Ordinal);
        }
        var healed = Stopwatch.StartNew();
        foreach (var i in Minority)
        {
            await StartAsync(i);
        }
        var rejoined = await WaitForAgreementAsync(Everyone, seeds, FormDeadline);
        output.WriteLine($"TIMING healed and restarted: all five Up after {healed.Elapsed.TotalSeconds:0.0} s; {ProcessCluster.Fingerprint(rejoined)}");
        foreach (var i in Minority)
        {
            Assert.NotEqual(oldUids[i], ProcessCluster.Uid(rejoined, seeds[i]));
        }
    }

    /// <summary>
    /// True when <paramref name="view"/> is a converged cluster of <paramref name="side"/> led from that side, with
    /// <paramref name="others"/> gone or Down: the view a side has once it considers itself the whole cluster.
    /// </summary>
    private static bool Claims(JsonElement view, int[] side, int[] others, string[] seeds) =>
        view.GetProperty("convergence").GetBoolean()
        && view.GetProperty("leader").GetString() is { } leader && side.Any(i => seeds[i] == leader)
        && others.All(o => ProcessCluster.Member(view, seeds[o]) is not { } m || m.GetProperty("status").GetString() == "Down");

    private static bool IsUnreachableOrGone(JsonElement view, string address) =>
        ProcessCluster.Member(view, address) is not { } m || !m.GetProperty("reachable").GetBoolean();

    private static string Name(int i) => $"lb-{i + 1}";

    private static string Seconds(TimeSpan? t) => t is { } v ? $"{v.TotalSeconds:0.0} s" : "never seen";

    private async Task StartAsync(int i)
    {
        var net = _namespaces!;
        var dir = _directory!.Path;
        var certificates = Path.Combine(dir, "certs");
        var file = Path.Combine(dir, $"{Name(i)}.conf");
        await File.WriteAllTextAsync(file, $$"""
            clusterlb {
              node { name = "{{Name(i)}}", data-dir = "{{Path.Combine(dir, Name(i))}}" }
              proxy.http { bind = "0.0.0.0", port = {{ProxyPort}} }
              admin { bind = "0.0.0.0", port = {{AdminPort}}, token = "{{Token}}" }
              health-check { path = "/health", interval = 500ms }
              services.web.pools = [ { id = main, hosts = [ { id = b1, address = "{{_backend!.Url}}" } ] } ]
              cluster {
                hostname = "{{net.Addresses[i]}}"
                port = {{ClusterPort}}
                seed-nodes = [{{string.Join(", ", net.Addresses.Select(a => $"\"{a}:{ClusterPort}\""))}}]
                tls { certificate = "{{Path.Combine(certificates, Name(i) + ".pfx")}}", ca = "{{Path.Combine(certificates, CertificateFactory.CaCertificateFile)}}" }
                split-brain-resolver { active-strategy = keep-majority, stable-after = 5s }
              }
            }
            """);
        var incarnation = ++_incarnations[i];
        var process = ClusterLbProcess.StartThrough(net.Exec(i), $"{Name(i)}#{incarnation.ToString(CultureInfo.InvariantCulture)}", output, null, "run", "--config", file);
        _started.Add(process);
        _nodes[i] = process;
        await process.WaitForLineAsync(ListeningLine(), FormDeadline);
    }

    private async Task<JsonElement?> StatusAsync(NetworkNamespaces net, int i)
    {
        try
        {
            using var response = await _admin.GetAsync(new Uri($"http://{net.Addresses[i]}:{AdminPort}/cluster/status"));
            return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private async Task<JsonElement> WaitForAgreementAsync(int[] nodes, string[] seeds, TimeSpan deadline)
    {
        var expected = nodes.Select(n => seeds[n]).Order(StringComparer.Ordinal).ToArray();
        JsonElement?[] views = [];
        await Poll.UntilAsync(async () =>
        {
            if (nodes.FirstOrDefault(n => _nodes[n]!.HasExited, -1) is var gone and >= 0)
            {
                throw new InvalidOperationException($"{_nodes[gone]!.Name} exited while waiting for the cluster to form");
            }
            views = await Task.WhenAll(nodes.Select(n => StatusAsync(_namespaces!, n)));
            return views.All(v => v is { } view && ProcessCluster.AllUp(view, expected)) && views.Select(v => ProcessCluster.Fingerprint(v!.Value)).Distinct().Count() == 1;
        }, $"{string.Join(", ", nodes.Select(Name))} to agree on {expected.Length} Up members and one leader", deadline, StatusPollPause);
        return views[0]!.Value;
    }

    [GeneratedRegex(@"Proxy listening on ")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"SBR took decision|SBR is downing")]
    private static partial Regex SplitBrainDecision();

    [GeneratedRegex(@"CoordinatedShutdown invoked due to .*ClusterDowningReason")]
    private static partial Regex DowningShutdown();
}
