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
        // Probes of b2 pass a gate one by one, so the test counts checks instead of measuring time (interval x
        // fall is "fall checks"); the long timeout keeps a probe held at the gate from failing on its own.
        var checks = NodeHarness.FastChecks(Rise, Fall) with { Timeout = TimeSpan.FromSeconds(30) };
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends, checks));
        var b2 = backends[1];
        b2.GateProbes = true;
        await Poll.UntilAsync(() => b2.ProbesAtGate == 1, "a probe of b2 to wait at the gate");

        b2.HealthStatus = 503;
        await LetProbesThroughAsync(b2, Fall - 1);
        var (health, failures) = await CheckerViewAsync(harness, "b2");
        Assert.Equal(("up", Fall - 1), (health, failures));

        await LetProbesThroughAsync(b2, 1);
        await harness.WaitForHealthAsync("b2", HostHealth.Down);
        Assert.Equal(("down", Fall), await CheckerViewAsync(harness, "b2"));

        var hitsWhileDown = b2.Hits;
        var answers = await harness.SendAsync(30);
        Assert.Equal(hitsWhileDown, b2.Hits);
        Assert.Equal(15, answers.GetValueOrDefault("b1"));
        Assert.Equal(15, answers.GetValueOrDefault("b3"));

        b2.HealthStatus = 200;
        await LetProbesThroughAsync(b2, Rise - 1);
        Assert.Equal(("down", 0), await CheckerViewAsync(harness, "b2"));
        Assert.False(harness.IsUp("b2"));

        await LetProbesThroughAsync(b2, 1);
        await harness.WaitForHealthAsync("b2", HostHealth.Up);
        b2.GateProbes = false;
        b2.AllowProbes(1000);

        answers = await harness.SendAsync(30);
        Assert.Equal(10, answers.GetValueOrDefault("b2"));
    }

    /// <summary>Lets probes through one at a time and returns once the next one waits (all results processed).</summary>
    private static async Task LetProbesThroughAsync(TestBackend backend, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var answered = backend.Probes;
            backend.AllowProbes(1);
            await WaitAtGateAsync(backend, answered + 1);
        }
    }

    private static Task WaitAtGateAsync(TestBackend backend, int answered) =>
        // The checker runs one probe at a time, so a probe waiting at the gate means every earlier result was handled.
        Poll.UntilAsync(() => backend.Probes == answered && backend.ProbesAtGate == 1, $"probe {answered + 1} of {backend.Name} to wait at the gate");

    private static async Task<(string Health, int ConsecutiveFailures)> CheckerViewAsync(NodeHarness harness, string host)
    {
        using var status = await harness.StatusAsync();
        var entry = status.RootElement.GetProperty("services").EnumerateArray()
            .SelectMany(s => s.GetProperty("pools").EnumerateArray())
            .SelectMany(p => p.GetProperty("hosts").EnumerateArray())
            .Single(h => h.GetProperty("id").GetString() == host);
        return (entry.GetProperty("health").GetString()!, entry.GetProperty("consecutiveFailures").GetInt32());
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
    public async Task A_connect_failure_in_traffic_is_retried_and_marks_the_host_down_without_active_checks()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2");
        var noActive = NodeHarness.FastChecks() with { Enabled = false };
        var passive = PassiveHealthSettings.Default with { DownTime = TimeSpan.FromMinutes(5) };
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends, noActive, passive: passive));

        await backends[1].StopAsync();
        // The refused connection is retried on b1, so the client sees no error, and still counts against b2.
        var answers = await harness.SendAsync(2);
        Assert.Equal(2, answers.GetValueOrDefault("b1"));

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
