namespace ClusterLb.Persistence.Journal;

/// <summary>
/// A write hit sequence numbers that are already stored: another writer is (or was) active for the same
/// persistence id. Nothing of the conflicting atomic write was stored.
/// </summary>
public sealed class JournalWriteConflictException : Exception
{
    public JournalWriteConflictException(string persistenceId, long fromSequenceNr, long toSequenceNr, Exception? inner = null)
        : base(
            $"Journal write conflict for persistence id '{persistenceId}': sequence numbers {fromSequenceNr}..{toSequenceNr} " +
            "are already stored. Another writer is active for this persistence id; only one writer per persistence id is allowed.",
            inner)
    {
        PersistenceId = persistenceId;
        FromSequenceNr = fromSequenceNr;
        ToSequenceNr = toSequenceNr;
    }

    public string PersistenceId { get; }

    public long FromSequenceNr { get; }

    public long ToSequenceNr { get; }
}
