using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.ClusterLoad;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;
using static ClusterLb.Balancing.Tests.TestHosts;

namespace ClusterLb.Balancing.Tests;

/// <summary>
/// The pure parts of the cluster-wide load view: the report table (rates, staleness, the local node left out of the
/// remote sum) driven by an explicit clock, its settings, and least-request weighing the other nodes' load.
/// </summary>
public class ClusterLoadTests
{
    private static readonly HostLoadKey A = new("web", "main", "a");
    private static readonly HostLoadKey B = new("web", "main", "b");

    private static NodeLoadReport Report(string node, long sentAtMs, params (HostLoadKey Key, int InFlight, long Picks)[] hosts) =>
        new(node, sentAtMs, [.. hosts.Select(h => new HostLoadSample(h.Key, h.InFlight, h.Picks))]);

    private static TimeSpan At(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Rates_come_from_the_picks_between_a_nodes_two_latest_reports_on_its_own_clock()
    {
        var table = new ClusterLoadTable(At(3));
        table.Add(Report("n2", 50_000, (A, 1, 100), (B, 0, 10)), At(0));
        Assert.Equal(0, table.Totals("n1")[A].RequestsPerSecond);

        // 500 ms later on n2's clock (received 0.7 s later here: delivery jitter does not skew the rate).
        table.Add(Report("n2", 50_500, (A, 2, 150), (B, 0, 10)), At(0.7));
        var totals = table.Totals("n1");
        Assert.Equal(new HostClusterLoad(2, 100, 1), totals[A]);
        Assert.Equal(new HostClusterLoad(0, 0, 1), totals[B]);
    }

    [Fact]
    public void Totals_sum_every_node_but_leave_the_local_nodes_in_flight_out_of_the_remote_sum()
    {
        var table = new ClusterLoadTable(At(3));
        foreach (var (node, inFlight, picks) in new[] { ("n1", 5, 20L), ("n2", 3, 40L), ("n3", 4, 60L) })
        {
            table.Add(Report(node, 1000, (A, inFlight, 0)), At(0));
            table.Add(Report(node, 2000, (A, inFlight, picks)), At(1));
        }
        table.Add(Report("n3", 3000, (B, 7, 1)), At(1.5));

        var totals = table.Totals("n1");
        // n1's own 5 are its live counter; n3's latest report no longer names a.
        Assert.Equal(new HostClusterLoad(3, 20 + 40, 2), totals[A]);
        Assert.Equal(new HostClusterLoad(7, 0, 1), totals[B]);
    }

    [Fact]
    public void A_report_older_than_stale_after_is_dropped_and_a_fresh_one_is_kept()
    {
        var table = new ClusterLoadTable(At(3));
        table.Add(Report("n2", 1000, (A, 2, 1)), At(0));
        table.Add(Report("n3", 1000, (A, 4, 1)), At(2));

        Assert.Empty(table.DropStale(At(3)));
        Assert.Equal(["n2"], table.DropStale(At(3.01)));
        Assert.Equal(new HostClusterLoad(4, 0, 1), table.Totals("n1")[A]);
        Assert.Equal(["n3"], table.DropStale(At(5.5)));
        Assert.Empty(table.Totals("n1"));
    }

    [Fact]
    public void A_removed_node_no_longer_counts_and_a_node_restarted_on_its_address_starts_its_rates_afresh()
    {
        var table = new ClusterLoadTable(At(3));
        table.Add(Report("n2", 1000, (A, 2, 500)), At(0));
        Assert.True(table.Remove("n2"));
        Assert.False(table.Remove("n2"));
        Assert.Empty(table.Totals("n1"));

        table.Add(Report("n3", 1000, (A, 1, 500)), At(0));
        // Counters back at the start (a new incarnation on the same address): no negative rate.
        table.Add(Report("n3", 1500, (A, 1, 3)), At(0.5));
        Assert.Equal(0, table.Totals("n1")[A].RequestsPerSecond);
        // A clock that went backwards gives no rate either.
        table.Add(Report("n3", 900, (A, 1, 9)), At(1));
        Assert.Equal(0, table.Totals("n1")[A].RequestsPerSecond);
    }

    [Fact]
    public void Settings_default_to_on_every_second_stale_after_three_and_read_from_hocon()
    {
        Assert.Equal(new ClusterLoadSettings(), ClusterLoadSettings.FromConfig(null));
        Assert.Equal((true, At(1), At(3)), (new ClusterLoadSettings().Enabled, new ClusterLoadSettings().Interval, new ClusterLoadSettings().StaleAfter));
        var read = ClusterLoadSettings.FromConfig(ConfigFactory.ParseString("clusterlb.cluster-load { enabled = off, interval = 250ms, stale-after = 2s }"));
        Assert.Equal(new ClusterLoadSettings { Enabled = false, Interval = TimeSpan.FromMilliseconds(250), StaleAfter = At(2) }, read);
    }

    [Theory]
    [InlineData("interval = 0s", "clusterlb.cluster-load.interval", 2)]
    [InlineData("interval = 2m, stale-after = 10m", "clusterlb.cluster-load.interval", 2)]
    [InlineData("interval = 1s\n  stale-after = 1s", "clusterlb.cluster-load.stale-after", 3)]
    public void A_bad_setting_is_refused_at_its_line_naming_the_key(string keys, string named, int line)
    {
        var ex = Assert.Throws<HoconException>(() => ClusterLoadSettings.FromConfig(ConfigFactory.ParseString($$"""
            clusterlb.cluster-load {
              {{keys}}
            }
            """, "node.conf")));
        Assert.StartsWith($"node.conf:{line}:", ex.Message);
        Assert.Contains(named, ex.Message);
    }

    [Fact]
    public void Least_request_with_cluster_scope_avoids_a_host_other_nodes_keep_busy_and_node_scope_does_not_see_it()
    {
        var hosts = Hosts(1, 1, 1);
        hosts[0].Counters.SetClusterLoad(remoteInFlight: 5, requestsPerSecond: 0, nodes: 2);
        hosts[1].Counters.SetClusterLoad(remoteInFlight: 1, requestsPerSecond: 0, nodes: 2);
        Hold(hosts[2], 2);

        // Cluster: a 5, b 1, c 2 → b.
        var cluster = new LeastRequestPolicy(LoadScope.Cluster);
        for (var i = 0; i < 9; i++)
        {
            Assert.Same(hosts[1], cluster.Pick(hosts, default));
        }
        // Node: a 0, b 0, c 2 → a and b in turn.
        var node = new LeastRequestPolicy();
        Assert.Equal(2, Enumerable.Range(0, 10).Select(_ => node.Pick(hosts, default)!.Id).Distinct().Count());
        Assert.DoesNotContain(hosts[2], Enumerable.Range(0, 10).Select(_ => node.Pick(hosts, default)));

        // Weighted scan: a weight-3 host with 5 remote ((5+1)/3 = 2) loses to a weight-1 host with none ((0+1)/1 = 1).
        var weighted = Hosts(3, 1);
        weighted[0].Counters.SetClusterLoad(5, 0, 2);
        Assert.Same(weighted[1], new LeastRequestPolicy(LoadScope.Cluster).Pick(weighted, default));
        Assert.Same(weighted[0], new LeastRequestPolicy(LoadScope.Node).Pick(weighted, default));
    }

    [Fact]
    public void Host_counters_show_the_cluster_view_beside_the_live_count()
    {
        var host = Host("a");
        Assert.Equal((0, 0, 0.0), (host.Counters.ClusterInFlight, host.Counters.ClusterNodes, host.Counters.ClusterRequestsPerSecond));
        Hold(host, 2);
        host.Counters.SetClusterLoad(3, 12.5, 3);
        Assert.Equal((2, 3, 5, 3, 12.5), (host.Counters.InFlight, host.Counters.RemoteInFlight, host.Counters.ClusterInFlight, host.Counters.ClusterNodes, host.Counters.ClusterRequestsPerSecond));
    }
}
