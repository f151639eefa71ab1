using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Settings;
using ClusterLb.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>Active and passive health checks moving hosts in and out of rotation.</summary>
public sealed class HealthTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Failing_checks_take_a_host_down_after_fall_probes_and_good_ones_bring_it_back_after_rise()
    {
        const int Fall = 3;
        const int Rise = 4;
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2", "b3");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends, NodeHarness.FastChecks(Rise, Fall)));
        var b2 = backends[1];
        await Poll.UntilAsync(() => b2.Probes >= 2, "the first probes of b2");

        var probesBefore = b2.Probes;
        b2.HealthStatus = 503;
        await harness.WaitForHealthAsync("b2", HostHealth.Down);
        // Probe counts, not clock time, show "within interval x fall": one probe may straddle the flip, one may
        // land between the transition and this read.
        Assert.InRange(b2.Probes - probesBefore, Fall - 1, Fall + 1);

        var hitsWhileDown = b2.Hits;
        var answers = await harness.SendAsync(30);
        Assert.Equal(hitsWhileDown, b2.Hits);
        Assert.Equal(15, answers.GetValueOrDefault("b1"));
        Assert.Equal(15, answers.GetValueOrDefault("b3"));

        var probesBeforeRise = b2.Probes;
        b2.HealthStatus = 200;
        await harness.WaitForHealthAsync("b2", HostHealth.Up);
        Assert.InRange(b2.Probes - probesBeforeRise, Rise - 1, Rise + 1);

        answers = await harness.SendAsync(30);
        Assert.Equal(10, answers.GetValueOrDefault("b2"));
    }

    [Fact]
    public async Task A_stopped_backend_is_marked_down_gets_nothing_and_rises_when_restarted()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2", "b3");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends, NodeHarness.FastChecks(rise: 2, fall: 3)));
        var b2 = backends[1];

        await b2.StopAsync();
        await harness.WaitForHealthAsync("b2", HostHealth.Down);

        var answers = await harness.SendAsync(30);
        Assert.Equal(30, answers.GetValueOrDefault("b1") + answers.GetValueOrDefault("b3"));

        await b2.RestartAsync();
        await harness.WaitForHealthAsync("b2", HostHealth.Up);
        var hitsBefore = b2.Hits;
        answers = await harness.SendAsync(30);
        Assert.Equal(10, answers.GetValueOrDefault("b2"));
        Assert.Equal(hitsBefore + 10, b2.Hits);
    }

    [Fact]
    public async Task A_connect_failure_in_traffic_marks_the_host_down_without_active_checks()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2");
        var noActive = NodeHarness.FastChecks() with { Enabled = false };
        var passive = PassiveHealthSettings.Default with { DownTime = TimeSpan.FromMinutes(5) };
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends, noActive, passive: passive));

        await backends[1].StopAsync();
        var answers = await harness.SendAsync(2);
        Assert.Equal(1, answers.GetValueOrDefault("status 502"));

        await harness.WaitForHealthAsync("b2", HostHealth.Down);
        answers = await harness.SendAsync(10);
        Assert.Equal(10, answers.GetValueOrDefault("b1"));
    }

    [Fact]
    public async Task Masked_statuses_in_traffic_count_as_passive_failures()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2");
        var noActive = NodeHarness.FastChecks() with { Enabled = false };
        var passive = PassiveHealthSettings.Default with { Fall = 2, UnhealthyStatuses = StatusCodeSet.Parse("5xx"), DownTime = TimeSpan.FromMinutes(5) };
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends, noActive, passive: passive));

        await harness.SendAsync(4);
        Assert.True(harness.IsUp("b2"), "2xx answers must not count");

        backends[1].FailEverything = true;
        await harness.SendAsync(4);
        await harness.WaitForHealthAsync("b2", HostHealth.Down);
        var answers = await harness.SendAsync(6);
        Assert.Equal(6, answers.GetValueOrDefault("b1"));
    }
}
