namespace ClusterLb.Actors.Tests;

public class ChildRestartStatsTests
{
    [Fact]
    public void Retries_are_counted_within_the_window_and_the_window_resets()
    {
        var stats = new ChildRestartStats();
        var window = TimeSpan.FromSeconds(10);
        Assert.True(stats.RequestRestartPermission(2, window, nowMs: 1_000));
        Assert.True(stats.RequestRestartPermission(2, window, nowMs: 2_000));
        Assert.False(stats.RequestRestartPermission(2, window, nowMs: 3_000));

        // 10 s after the window opened, counting starts again.
        Assert.True(stats.RequestRestartPermission(2, window, nowMs: 11_001));
        Assert.True(stats.RequestRestartPermission(2, window, nowMs: 12_000));
        Assert.False(stats.RequestRestartPermission(2, window, nowMs: 13_000));
    }

    [Fact]
    public void Unlimited_zero_and_windowless_budgets()
    {
        var unlimited = new ChildRestartStats();
        Assert.All(Enumerable.Range(0, 100), i => Assert.True(unlimited.RequestRestartPermission(-1, TimeSpan.FromSeconds(1), i)));
        Assert.False(new ChildRestartStats().RequestRestartPermission(0, TimeSpan.FromSeconds(1), 0));
        var windowless = new ChildRestartStats();
        Assert.True(windowless.RequestRestartPermission(2, Timeout.InfiniteTimeSpan, 0));
        Assert.True(windowless.RequestRestartPermission(2, Timeout.InfiniteTimeSpan, 1_000_000));
        Assert.False(windowless.RequestRestartPermission(2, Timeout.InfiniteTimeSpan, 2_000_000));
    }
}
