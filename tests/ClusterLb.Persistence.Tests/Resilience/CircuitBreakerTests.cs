using System.Net;
using System.Net.Sockets;
using ClusterLb.Persistence.Journal;
using ClusterLb.Persistence.Resilience;
using ClusterLb.Persistence.Sql;
using ClusterLb.Persistence.Tests.Infrastructure;

namespace ClusterLb.Persistence.Tests.Resilience;

public sealed class CircuitBreakerTests
{
    private static readonly CircuitBreakerSettings Settings = new(3, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Opens_after_max_consecutive_failures_and_then_fails_fast_without_calling()
    {
        var time = new ManualTimeProvider();
        var breaker = new CircuitBreaker("journal", Settings, time: time);
        var calls = 0;
        Task<int> Failing(CancellationToken _)
        {
            calls++;
            throw new IOException("disk gone");
        }

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<IOException>(() => breaker.ExecuteAsync(Failing));
        }

        Assert.Equal(CircuitState.Open, breaker.State);
        var open = await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => breaker.ExecuteAsync(Failing));
        Assert.Equal(3, calls);
        Assert.Equal(TimeSpan.FromSeconds(30), open.Remaining);
        Assert.Contains("journal", open.Message);
    }

    [Fact]
    public async Task A_success_resets_the_failure_count()
    {
        var breaker = new CircuitBreaker("journal", Settings, time: new ManualTimeProvider());
        for (var round = 0; round < 3; round++)
        {
            await Assert.ThrowsAsync<IOException>(() => breaker.ExecuteAsync<int>(_ => throw new IOException()));
            await Assert.ThrowsAsync<IOException>(() => breaker.ExecuteAsync<int>(_ => throw new IOException()));
            Assert.Equal(1, await breaker.ExecuteAsync(_ => Task.FromResult(1)));
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public async Task After_the_reset_timeout_one_trial_call_closes_or_reopens_the_breaker()
    {
        var time = new ManualTimeProvider();
        var breaker = new CircuitBreaker("journal", Settings, time: time);
        var transitions = new List<CircuitState>();
        breaker.StateChanged += transitions.Add;
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<IOException>(() => breaker.ExecuteAsync<int>(_ => throw new IOException()));
        }

        time.Advance(TimeSpan.FromSeconds(29));
        await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => breaker.ExecuteAsync(_ => Task.FromResult(1)));

        time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<IOException>(() => breaker.ExecuteAsync<int>(_ => throw new IOException()));
        Assert.Equal(CircuitState.Open, breaker.State);

        time.Advance(TimeSpan.FromSeconds(30));
        var trial = new TaskCompletionSource<int>();
        var running = breaker.ExecuteAsync(_ => trial.Task);
        Assert.Equal(CircuitState.HalfOpen, breaker.State);
        await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => breaker.ExecuteAsync(_ => Task.FromResult(2)));
        trial.SetResult(1);
        Assert.Equal(1, await running);

        Assert.Equal(CircuitState.Closed, breaker.State);
        Assert.Equal([CircuitState.Open, CircuitState.HalfOpen, CircuitState.Open, CircuitState.HalfOpen, CircuitState.Closed], transitions);
    }

    [Fact]
    public async Task A_call_slower_than_the_call_timeout_fails_and_counts()
    {
        var breaker = new CircuitBreaker("journal", new CircuitBreakerSettings(1, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30)));
        var observedCancellation = new TaskCompletionSource();
        var never = new TaskCompletionSource<int>();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => breaker.ExecuteAsync(ct =>
        {
            ct.Register(() => observedCancellation.TrySetResult());
            return never.Task;
        }));

        Assert.Contains("0.1 s", error.Message);
        Assert.Equal(CircuitState.Open, breaker.State);
        await observedCancellation.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the call was told to give up
    }

    [Fact]
    public async Task Exceptions_the_predicate_excludes_do_not_count()
    {
        var breaker = new CircuitBreaker("journal", Settings, e => e is not JournalWriteConflictException, new ManualTimeProvider());
        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<JournalWriteConflictException>(
                () => breaker.ExecuteAsync<int>(_ => throw new JournalWriteConflictException("p", 1, 1)));
        }

        Assert.Equal(CircuitState.Closed, breaker.State);
    }

    [Fact]
    public void Invalid_settings_are_refused_with_the_key_named()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CircuitBreaker("j", Settings with { MaxFailures = 0 }));
        Assert.Contains("max-failures", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CircuitBreaker("j", Settings with { CallTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CircuitBreaker("j", Settings with { ResetTimeout = TimeSpan.FromSeconds(-1) }));
    }

    [Fact]
    public async Task A_journal_on_a_dead_database_opens_its_breaker_after_ten_failures_and_then_fails_fast()
    {
        // A loopback port with nothing listening: every connection attempt is refused.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var dialect = new PostgreSqlDialect($"Host=127.0.0.1;Port={port};Username=x;Password=x;Database=x;Timeout=5;Pooling=false");
        var journal = new CircuitBreakingJournal(new SqlJournal(dialect, TestRegistry.Serializer()), CircuitBreakerSettings.Default);

        var failures = 0;
        while (journal.Breaker.State == CircuitState.Closed && failures < 20)
        {
            var error = await Record.ExceptionAsync(() => journal.ReadHighestSequenceNrAsync("p", 0));
            Assert.IsNotType<CircuitBreakerOpenException>(error);
            Assert.NotNull(error);
            failures++;
        }

        Assert.Equal(10, failures);
        var write = await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => journal.WriteAsync([new AtomicWrite(new PersistentRepr("p", 1, new Google.Protobuf.WellKnownTypes.Int64Value(), "w"))]));
        Assert.InRange(write.Remaining, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<CircuitBreakerOpenException>(() => journal.ReplayAsync("p", 1, 10, 10, _ => { }));
    }
}
