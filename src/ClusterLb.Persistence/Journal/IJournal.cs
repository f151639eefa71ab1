namespace ClusterLb.Persistence.Journal;

/// <summary>
/// An append-only event journal (Akka's AsyncWriteJournal contract). Callers keep writes for one persistence
/// id ordered: the journal does not reorder, but it does not queue concurrent calls for the same id either.
/// </summary>
public interface IJournal
{
    /// <summary>
    /// Stores the writes; each <see cref="AtomicWrite"/> is all-or-nothing. The result has one entry per write:
    /// <c>null</c> when stored, or the exception that <em>rejected</em> it (for example a serialization failure)
    /// without touching the database. A faulted task is a write <em>failure</em>: the storage is in an unknown
    /// state for these writes (a <see cref="JournalWriteConflictException"/> means another writer got there first).
    /// </summary>
    Task<IReadOnlyList<Exception?>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default);

    /// <summary>
    /// Calls <paramref name="onReplayed"/> for each non-deleted event of <paramref name="persistenceId"/> with
    /// <paramref name="fromSequenceNr"/> ≤ sequence number ≤ <paramref name="toSequenceNr"/>, in order, at most
    /// <paramref name="max"/> times.
    /// </summary>
    Task ReplayAsync(
        string persistenceId,
        long fromSequenceNr,
        long toSequenceNr,
        long max,
        Action<PersistentRepr> onReplayed,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// The highest sequence number stored for the id at or above <paramref name="fromSequenceNr"/>, counting
    /// deleted rows (so it never regresses after a delete); 0 when there is none.
    /// </summary>
    Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes events up to and including <paramref name="toSequenceNr"/>: they are marked deleted and all but the
    /// highest deleted row are removed, so the highest sequence number survives as a marker.
    /// </summary>
    Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default);
}
