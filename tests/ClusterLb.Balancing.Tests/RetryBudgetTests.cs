using ClusterLb.Balancing.Routing;

namespace ClusterLb.Balancing.Tests;

/// <summary>The retry budget: a share of recent requests plus an allowance per second, on an injected clock.</summary>
public class RetryBudgetTests
{
    private const long Start = 1_000_000;

    [Fact]
    public void A_quiet_service_may_retry_its_allowance_per_second_over_the_window()
    {
        var budget = new RetryBudget(percent: 20, minPerSecond: 2);
        var granted = Enumerable.Range(0, 30).Count(_ => budget.TryWithdraw(Start));
        Assert.Equal(2 * RetryBudget.WindowSeconds, granted);
        Assert.Equal(10, budget.Refused);
    }

    [Fact]
    public void Retries_are_capped_at_the_share_of_requests_in_the_window()
    {
        var budget = new RetryBudget(percent: 20, minPerSecond: 0);
        for (var i = 0; i < 1000; i++)
        {
            budget.Deposit(Start + i);
        }
        Assert.Equal(200, Enumerable.Range(0, 1000).Count(_ => budget.TryWithdraw(Start + 999)));
    }

    [Fact]
    public void Requests_and_retries_older_than_the_window_no_longer_count()
    {
        var budget = new RetryBudget(percent: 50, minPerSecond: 0);
        for (var i = 0; i < 100; i++)
        {
            budget.Deposit(Start);
        }
        Assert.Equal(50, Enumerable.Range(0, 60).Count(_ => budget.TryWithdraw(Start)));

        var later = Start + RetryBudget.WindowSeconds * 1000L;
        Assert.False(budget.TryWithdraw(later), "the requests that earned retries left the window with them");
        budget.Deposit(later);
        budget.Deposit(later);
        Assert.True(budget.TryWithdraw(later + 1));
        Assert.False(budget.TryWithdraw(later + 2));
    }

    [Fact]
    public void A_zero_budget_refuses_every_retry()
    {
        var budget = new RetryBudget(percent: 0, minPerSecond: 0);
        budget.Deposit(Start);
        Assert.False(budget.TryWithdraw(Start));
        Assert.Equal(1, budget.Refused);
    }
}
