using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterLb.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>Runs one class of child-process tests at a time: each starts three or more real nodes.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterProcessCollection
{
    public const string Name = "clusterlb processes";
}

/// <summary>
/// Real <c>clusterlb run</c> child processes forming a cluster over loopback: formation, kill -9 and restart,
/// the first seed coming back, graceful leave and operator down through the admin API, and the CLUSTER_*
/// environment overrides. Every wait is a poll with a deadline; every child is killed on dispose.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed partial class ClusterProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Generous: a shared 2-core machine, several .NET processes starting at once.</summary>
    private static readonly TimeSpan FormDeadline = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(60);

    /// <summary>A short split-brain window so a killed node is downed within seconds.</summary>
    private const string QuickDowning = "split-brain-resolver.stable-after = 3s";

    /// <summary>A long split-brain window, so only an operator downs a node within the test.</summary>
    private const string NoAutomaticDowning = "split-brain-resolver.stable-after = 300s";

    private readonly List<IDisposable> _cleanup = [];
    private TestBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await TestBackend.StartAsync("b1");

    public async Task DisposeAsync()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            _cleanup[i].Dispose();
        }
        await _backend.DisposeAsync();
    }

    [Fact]
    public async Task Three_processes_form_one_cluster_and_every_node_reports_the_same_view()
    {
        var cluster = Track(new ProcessCluster(output, 3, _backend.Url));
        await cluster.StartAllAsync();

        var view = await cluster.WaitForAgreementAsync([0, 1, 2], FormDeadline);

        Assert.Contains(view.GetProperty("leader").GetString(), cluster.Seeds);
        Assert.Equal(3, view.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("uid").GetInt64()).Distinct().Count());
        Assert.Empty(view.GetProperty("unreachable").EnumerateArray());
        Assert.Equal(1, cluster.Nodes.Sum(n => n!.CountLines(FormingNewCluster())));
        for (var i = 0; i < 3; i++)
        {
            var own = (await cluster.StatusAsync(i))!.Value;
            Assert.Equal(cluster.Seeds[i], own.GetProperty("self").GetString());
            using var proxy = new HttpClient { BaseAddress = cluster.ProxyUrls[i], Timeout = TimeSpan.FromSeconds(10) };
            Assert.Equal("b1", await proxy.GetStringAsync("/"));
        }
    }

    [Fact]
    public async Task Five_processes_form_one_cluster_with_one_leader()
    {
        var cluster = Track(new ProcessCluster(output, 5, _backend.Url));
        await cluster.StartAllAsync();

        var view = await cluster.WaitForAgreementAsync([0, 1, 2, 3, 4], FormDeadline * 2);

        Assert.Contains(view.GetProperty("leader").GetString(), cluster.Seeds);
        Assert.Equal(5, view.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("uid").GetInt64()).Distinct().Count());
        Assert.Equal(1, cluster.Nodes.Sum(n => n!.CountLines(FormingNewCluster())));
    }

    [Fact]
    public async Task A_killed_node_is_downed_by_keep_majority_and_comes_back_as_a_new_incarnation()
    {
        var cluster = Track(new ProcessCluster(output, 3, _backend.Url, QuickDowning));
        await cluster.StartAllAsync();
        var before = await cluster.WaitForAgreementAsync([0, 1, 2], FormDeadline);
        var victim = cluster.Seeds[2];
        var oldUid = ProcessCluster.Uid(before, victim);

        cluster.Nodes[2]!.Kill();
        await cluster.Nodes[2]!.WaitForExitAsync(ExitDeadline);

        await Poll.UntilAsync(async () => (await cluster.StatusesAsync(0, 1)).All(v => v is { } view && IsUnreachable(view, victim)),
            $"both survivors to see {victim} unreachable", FormDeadline);
        await cluster.WaitForAgreementAsync([0, 1], FormDeadline);
        Assert.True(
            cluster.Nodes[0]!.CountLines(SplitBrainDowning()) + cluster.Nodes[1]!.CountLines(SplitBrainDowning()) > 0,
            "the split brain resolver (keep-majority) downed the killed node");

        await cluster.StartAsync(2);
        var after = await cluster.WaitForAgreementAsync([0, 1, 2], FormDeadline);
        Assert.NotEqual(oldUid, ProcessCluster.Uid(after, victim));
    }

    [Fact]
    public async Task The_first_seed_killed_and_restarted_rejoins_the_running_cluster()
    {
        // The survivors gate the dead seed's address after failed reconnects and drop what they send there, the
        // InitJoinAck to its new incarnation included (seen: the restarted seed formed a second cluster when its
        // seed-node-timeout ran out inside the 5 s default gate). A gate shorter than seed-node-timeout (3 s
        // here) lets an answer through in time; see the report on the remoting gate.
        var cluster = Track(new ProcessCluster(output, 3, _backend.Url, QuickDowning));
        await cluster.StartAllAsync();
        var before = await cluster.WaitForAgreementAsync([0, 1, 2], FormDeadline);
        var first = cluster.Seeds[0];
        var oldUid = ProcessCluster.Uid(before, first);

        cluster.Nodes[0]!.Kill();
        await cluster.Nodes[0]!.WaitForExitAsync(ExitDeadline);
        var restarted = await cluster.StartAsync(0);

        // One cluster: all three nodes, the restarted one included, list the same three members and leader.
        var after = await cluster.WaitForAgreementAsync([0, 1, 2], FormDeadline);
        Assert.NotEqual(oldUid, ProcessCluster.Uid(after, first));
        Assert.Equal(
            before.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("address").GetString()).Order(),
            after.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("address").GetString()).Order());
        Assert.Equal(0, restarted.CountLines(FormingNewCluster()));
        Assert.Equal(0, cluster.Nodes[1]!.CountLines(FormingNewCluster()) + cluster.Nodes[2]!.CountLines(FormingNewCluster()));
    }

    [Fact]
    public async Task A_node_leaves_through_the_admin_api_and_exits_0_then_an_operator_downs_a_killed_node()
    {
        var cluster = Track(new ProcessCluster(output, 3, _backend.Url, NoAutomaticDowning));
        await cluster.StartAllAsync();
        await cluster.WaitForAgreementAsync([0, 1, 2], FormDeadline);
        var leaver = cluster.Seeds[2];

        using (var unauthorized = new HttpClient())
        {
            var refused = await unauthorized.PostAsync(new Uri(cluster.AdminUrls[2]!, "cluster/leave"), null);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        var leave = await cluster.Admin.PostAsync(new Uri(cluster.AdminUrls[2]!, "cluster/leave"), null);
        Assert.Equal(HttpStatusCode.Accepted, leave.StatusCode);

        // Each node's view of the leaver, status by status, until both survivors no longer list it.
        var seen = new List<string>[3];
        for (var i = 0; i < 3; i++)
        {
            seen[i] = [];
        }
        await Poll.UntilAsync(async () =>
        {
            var views = await cluster.StatusesAsync(0, 1, 2);
            for (var i = 0; i < 3; i++)
            {
                if (views[i] is { } view)
                {
                    var status = ProcessCluster.Member(view, leaver) is { } m ? m.GetProperty("status").GetString()! : "Removed";
                    if (seen[i].LastOrDefault() != status)
                    {
                        seen[i].Add(status);
                    }
                }
            }
            return seen[0].LastOrDefault() == "Removed" && seen[1].LastOrDefault() == "Removed";
        }, $"the survivors to remove {leaver}", FormDeadline);
        output.WriteLine($"statuses of {leaver} seen by lb-1: {string.Join(" > ", seen[0])}; lb-2: {string.Join(" > ", seen[1])}; lb-3: {string.Join(" > ", seen[2])}");
        string[] order = ["Up", "Leaving", "Exiting", "Removed"];
        Assert.All(seen, s => Assert.Equal(s.OrderBy(x => Array.IndexOf(order, x)), s));
        Assert.Contains("Leaving", seen.SelectMany(s => s));
        Assert.Contains("Exiting", seen.SelectMany(s => s));
        Assert.Equal(0, await cluster.Nodes[2]!.WaitForExitAsync(ExitDeadline));
        await cluster.WaitForAgreementAsync([0, 1], FormDeadline);

        // lb-2 dies; with automatic downing far off, only the operator's POST /cluster/down removes it.
        var victim = cluster.Seeds[1];
        cluster.Nodes[1]!.Kill();
        await cluster.Nodes[1]!.WaitForExitAsync(ExitDeadline);
        var down = await cluster.Admin.PostAsync(new Uri(cluster.AdminUrls[0]!, $"cluster/down?address={Uri.EscapeDataString(victim)}"), null);
        Assert.Equal(HttpStatusCode.Accepted, down.StatusCode);

        await cluster.WaitForAgreementAsync([0], FormDeadline);
        Assert.Equal(0, cluster.Nodes[0]!.CountLines(SplitBrainDowning()));
        Assert.True(cluster.Nodes[0]!.CountLines(MarkedDown()) > 0, "lb-1 logged the operator's down");
    }

    [Fact]
    public async Task Cluster_port_and_seeds_come_from_the_environment_of_a_real_process()
    {
        var cluster = Track(new ProcessCluster(output, 2, _backend.Url));
        await cluster.StartAsync(0);
        // lb-2's file names no cluster port and no seeds: CLUSTER_PORT and CLUSTER_SEEDS (comma-separated) say them.
        var environment = new Dictionary<string, string>
        {
            ["CLUSTER_PORT"] = cluster.Ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CLUSTER_SEEDS"] = string.Join(",", cluster.Seeds),
        };
        var fromEnvironment = cluster.ConfigFor(1, withClusterAddress: false);
        Assert.DoesNotContain("seed-nodes", fromEnvironment);
        Assert.DoesNotContain(cluster.Ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture), fromEnvironment);
        await cluster.StartAsync(1, fromEnvironment, environment);

        await cluster.WaitForAgreementAsync([0, 1], FormDeadline);
        var own = (await cluster.StatusAsync(1))!.Value;
        Assert.Equal($"akka.ssl.tcp://clusterlb@127.0.0.1:{cluster.Ports[1]}", own.GetProperty("self").GetString());
    }

    private static bool IsUnreachable(JsonElement view, string address) =>
        ProcessCluster.Member(view, address) is { } m && !m.GetProperty("reachable").GetBoolean();

    private ProcessCluster Track(ProcessCluster cluster)
    {
        _cleanup.Add(cluster);
        return cluster;
    }

    [GeneratedRegex(@"SBR is downing|SBR took decision")]
    private static partial Regex SplitBrainDowning();

    [GeneratedRegex("is JOINING itself .*and forming a new cluster")]
    private static partial Regex FormingNewCluster();

    [GeneratedRegex(@"Marking (unreachable )?node \[.*\] as \[Down\]")]
    private static partial Regex MarkedDown();
}
