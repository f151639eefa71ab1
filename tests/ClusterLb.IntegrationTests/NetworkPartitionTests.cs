using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Tests.Shared;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// A real 3|2 network partition: five <c>clusterlb run</c> processes, each in its own network namespace with its
/// own address, mutual TLS with a certificate per node IP, keep-majority with a 5 s stable-after and Akka's
/// default failure detector. iptables in the two minority namespaces drops every packet to and from the majority;
/// the minority must down itself and exit, the majority must converge on itself and keep routing, and at no poll
/// may both sides claim the cluster. Then the rules go, the two start again as new incarnations, and all five are
/// Up. From formation to the end, <see cref="SteadyLoad"/> sends requests through all five nodes; a client that
/// retries on the next node must see no failure. Runs alone: it is the heaviest test (five nodes plus TLS on two cores).
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed partial class NetworkPartitionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Size = 5;

    private static readonly int[] Majority = [0, 1, 2];
    private static readonly int[] Minority = [3, 4];
    private static readonly int[] Everyone = [0, 1, 2, 3, 4];

    /// <summary>Generous: five .NET processes doing TLS handshakes on a shared 2-core machine.</summary>
    private static readonly TimeSpan FormDeadline = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan PartitionDeadline = TimeSpan.FromSeconds(120);

    /// <summary>Each poll asks up to five nodes over HTTP: 100 ms between polls is resolution enough and spares the CPU.</summary>
    private static readonly TimeSpan StatusPollPause = TimeSpan.FromMilliseconds(100);

    private NamespaceCluster? _cluster;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [NetworkNamespaceFact]
    public async Task A_3_2_partition_downs_the_minority_the_majority_keeps_serving_and_the_healed_nodes_rejoin()
    {
        Prerequisites.RequireNetworkNamespaces();
        _cluster = await NamespaceCluster.CreateAsync(output, Size, "split-brain-resolver { active-strategy = keep-majority, stable-after = 5s }");
        var cluster = _cluster;
        var net = cluster.Net;
        var seeds = cluster.Seeds;
        foreach (var i in Everyone)
        {
            await cluster.StartAsync(i, FormDeadline);
        }
        var formed = await cluster.WaitForAgreementAsync(Everyone, FormDeadline, StatusPollPause);
        var oldUids = Minority.ToDictionary(i => i, i => ProcessCluster.Uid(formed, seeds[i]));
        output.WriteLine($"formed: {ProcessCluster.Fingerprint(formed)}");

        // Clients through all five nodes from here to the end; one that retries on the next node must never fail.
        await using var load = SteadyLoad.Start(() => cluster.ProxyUrls, output);
        await load.WaitForMoreAsync(100, FormDeadline);

        // --- partition 3|2 ---------------------------------------------------------------------------------------
        // The clock starts once every DROP rule is in place (both namespaces, one iptables-restore each).
        var applying = Stopwatch.StartNew();
        load.Mark("partition 3|2");
        await net.PartitionAsync(Minority, Majority);
        var clock = Stopwatch.StartNew();
        var applied = applying.Elapsed;
        foreach (var i in Minority)
        {
            output.WriteLine($"rules in {net.Names[i]}:\n{await net.RulesAsync(i)}");
        }
        TimeSpan? firstUnreachable = null, allUnreachable = null, majorityDecided = null, minorityDecided = null, minorityExited = null, majorityConverged = null;
        var decisionsBefore = Everyone.Select(i => cluster.Nodes[i]!.CountLines(SplitBrainDecision())).ToArray();
        var minorityClaims = new List<string>();
        var splitBrain = new List<string>();
        var majoritySeeds = Majority.Select(i => seeds[i]).Order(StringComparer.Ordinal).ToArray();
        await Poll.UntilAsync(async () =>
        {
            var views = await Task.WhenAll(Everyone.Select(i => cluster.Nodes[i]!.HasExited ? Task.FromResult<JsonElement?>(null) : cluster.StatusAsync(i)));
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
            majorityDecided ??= Majority.Any(i => cluster.Nodes[i]!.CountLines(SplitBrainDecision()) > decisionsBefore[i]) ? now : null;
            minorityDecided ??= Minority.Any(i => cluster.Nodes[i]!.CountLines(SplitBrainDecision()) > decisionsBefore[i]) ? now : null;
            if (minorityExited is null && Minority.All(i => cluster.Nodes[i]!.HasExited))
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
            Assert.Equal(3, await cluster.Nodes[i]!.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        }
        Assert.True(Minority.Sum(i => cluster.Nodes[i]!.CountLines(SplitBrainDecision())) > 0, "the minority's own split brain resolver took the decision to down its side");
        Assert.True(Minority.All(i => cluster.Nodes[i]!.CountLines(DowningShutdown()) > 0), "each minority node ran CoordinatedShutdown because it was downed");

        // The majority still serves: status answers, and the proxy routes to the backend.
        load.Mark("minority exited, majority converged");
        var servedBefore = Majority.Select(load.AnsweredBy).ToArray();
        await load.WaitForMoreAsync(300, PartitionDeadline);
        foreach (var i in Majority)
        {
            using var status = await cluster.Admin.GetAsync(new Uri($"http://{net.Addresses[i]}:{NamespaceCluster.AdminPort}/status"));
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
            Assert.True(load.AnsweredBy(i) > servedBefore[i], $"{Name(i)} kept serving after the partition");
        }

        // --- heal and restart the minority as new incarnations ---------------------------------------------------
        await net.HealAsync();
        foreach (var i in Minority)
        {
            Assert.DoesNotContain("DROP", await net.RulesAsync(i), StringComparison.Ordinal);
        }
        var healed = Stopwatch.StartNew();
        load.Mark("healed; minority restarting");
        foreach (var i in Minority)
        {
            await cluster.StartAsync(i, FormDeadline);
        }
        var rejoined = await cluster.WaitForAgreementAsync(Everyone, FormDeadline, StatusPollPause);
        load.Mark("all five Up again");
        var minorityBefore = Minority.Select(load.AnsweredBy).ToArray();
        await Poll.UntilAsync(() => Minority.Select((i, k) => load.AnsweredBy(i) > minorityBefore[k]).All(x => x), "the rejoined nodes to serve again", FormDeadline);
        await load.StopAsync();
        load.Report();
        Assert.Equal(0, load.Failed);
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

    private static string Name(int i) => NamespaceCluster.Name(i);

    private static string Seconds(TimeSpan? t) => t is { } v ? $"{v.TotalSeconds:0.0} s" : "never seen";

    [GeneratedRegex(@"SBR took decision|SBR is downing")]
    private static partial Regex SplitBrainDecision();

    [GeneratedRegex(@"CoordinatedShutdown invoked due to .*ClusterDowningReason")]
    private static partial Regex DowningShutdown();
}
