namespace ClusterLb.Runtime.Audit;

/// <summary>
/// Akka.Persistence's circuit breaker around a journal or snapshot store: fail fast while the database is down
/// instead of queueing calls that will time out anyway.
/// </summary>
/// <param name="MaxFailures">Consecutive failed (or timed-out) calls that open the breaker.</param>
/// <param name="CallTimeout">A call slower than this counts as a failure.</param>
/// <param name="ResetTimeout">How long an open breaker fails calls at once before letting one trial call through.</param>
public sealed record PersistenceCircuitBreaker(int MaxFailures, TimeSpan CallTimeout, TimeSpan ResetTimeout)
{
    /// <summary>Akka's journal default (and ClusterLb's): 10 failures, 10 s call timeout, 30 s reset.</summary>
    public static PersistenceCircuitBreaker JournalDefault { get; } = new(10, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));

    /// <summary>Akka's snapshot store default (and ClusterLb's): 5 failures, 20 s call timeout, 60 s reset.</summary>
    public static PersistenceCircuitBreaker SnapshotStoreDefault { get; } = new(5, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60));
}
