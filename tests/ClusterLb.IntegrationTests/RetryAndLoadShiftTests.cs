using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Settings;
using ClusterLb.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>Under a bounded load through a real node: retries hide a killed backend, and load-aware methods avoid a slow one.</summary>
public sealed class RetryAndLoadShiftTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_one_of_three_backends_under_load_costs_no_idempotent_request_with_retries_on()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2", "b3");
        foreach (var backend in backends)
        {
            // Requests spend time inside the backend, so some are in progress on b2 when it dies.
            backend.Delay = TimeSpan.FromMilliseconds(3);
        }
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));
        Assert.Equal(RetrySettings.Default.Attempts, harness.Node.Handles["web"].Retries.Attempts);

        var load = new LoadGenerator();
        var running = load.RunAsync(harness.Client, total: 3000, concurrency: 8);
        await Poll.UntilAsync(() => Task.FromResult(load.Completed >= 600 || running.IsCompleted), "600 requests answered before the kill");
        var hitsBeforeKill = backends[1].Hits;
        await backends[1].KillAsync();
        await running;

        output.WriteLine($"answers: {string.Join(", ", load.ByBackend.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}; errors {load.Errors.Count}");
        Assert.Empty(load.Errors);
        Assert.Equal(3000, load.ByBackend.Values.Sum());
        Assert.True(hitsBeforeKill > 100, $"b2 served {hitsBeforeKill} before it was killed");
        await harness.WaitForHealthAsync("b2", HostHealth.Down);
    }

    [Theory]
    [InlineData("least-request", 0.15)]
    [InlineData("peak-ewma", 0.15)]
    public async Task A_slow_backend_gets_a_small_share_under_a_load_aware_method(string method, double most)
    {
        var (slowShare, roundRobinShare) = (await SlowShareAsync(method), await SlowShareAsync("round-robin"));
        output.WriteLine($"{method}: the slow backend answered {slowShare:P1}; under round-robin {roundRobinShare:P1}");
        Assert.True(slowShare < most, $"{method} sent {slowShare:P1} of the requests to the slow backend");
        // The same load under round robin gives it its third: the shift is the method's doing.
        Assert.InRange(roundRobinShare, 0.30, 0.37);
    }

    private async Task<double> SlowShareAsync(string method)
    {
        var backends = await NodeHarness.StartBackendsAsync("b1", "b2", "slow");
        backends[2].Delay = TimeSpan.FromMilliseconds(50);
        var pool = NodeHarness.Pool("main", 0, backends) with { Method = BalancingMethodNames.Parse(method) };
        await using var harness = await NodeHarness.StartAsync(output, backends, pool);

        var load = new LoadGenerator();
        await load.RunAsync(harness.Client, total: 600, concurrency: 6);
        Assert.Empty(load.Errors);
        return load.ShareOf("slow");
    }
}
