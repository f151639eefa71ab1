using Microsoft.Extensions.Logging;
using ClusterLb.Persistence.Journal;

namespace ClusterLb.Persistence.Resilience;

/// <summary>
/// Puts a <see cref="CircuitBreaker"/> in front of a journal so a dead database fails calls fast instead of
/// letting each one wait for its own timeout. Write conflicts are answers from a healthy database and do not
/// count as failures.
/// </summary>
public sealed class CircuitBreakingJournal : IJournal
{
    private readonly IJournal _inner;

    public CircuitBreakingJournal(IJournal inner, CircuitBreakerSettings settings, TimeProvider? time = null, ILogger? logger = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Breaker = new CircuitBreaker("journal", settings, e => e is not JournalWriteConflictException, time);
        Breaker.StateChanged += state => BreakerLogging.OnStateChanged(logger, "journal", state, settings);
    }

    public CircuitBreaker Breaker { get; }

    public Task<IReadOnlyList<Exception?>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default) =>
        Breaker.ExecuteAsync(ct => _inner.WriteAsync(writes, ct), cancellationToken);

    public Task ReplayAsync(
        string persistenceId,
        long fromSequenceNr,
        long toSequenceNr,
        long max,
        Action<PersistentRepr> onReplayed,
        CancellationToken cancellationToken = default) =>
        Breaker.ExecuteAsync(ct => _inner.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, onReplayed, ct), cancellationToken);

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default) =>
        Breaker.ExecuteAsync(ct => _inner.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, ct), cancellationToken);

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        Breaker.ExecuteAsync(ct => _inner.DeleteMessagesToAsync(persistenceId, toSequenceNr, ct), cancellationToken);
}
