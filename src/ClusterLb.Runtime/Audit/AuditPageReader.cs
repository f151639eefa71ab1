using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using ClusterLb.Runtime.Audit.Events;

namespace ClusterLb.Runtime.Audit;

/// <summary>
/// Reads one page of an audit log straight from the journal through Akka.Persistence.Query, so the log actor never
/// holds entries in memory.
/// </summary>
internal sealed class AuditPageReader(ICurrentEventsByPersistenceIdQuery readJournal, IMaterializer materializer, string persistenceId)
{
    /// <summary>
    /// Up to <paramref name="max"/> entries from <paramref name="fromSequenceNr"/> on. <paramref name="highestKnown"/>
    /// is the actor's last sequence number when the query started; a write that lands while the query runs may be
    /// included, and then raises the reported highest number with it.
    /// </summary>
    public async Task<AuditEntriesPage> ReadAsync(long fromSequenceNr, int max, long highestKnown)
    {
        var entries = await readJournal
            .CurrentEventsByPersistenceId(persistenceId, fromSequenceNr, long.MaxValue)
            .Take(max)
            .Select(ToRecord)
            .RunWith(Sink.Seq<AuditRecord>(), materializer)
            .ConfigureAwait(false);

        if (entries.Count == 0)
        {
            return new AuditEntriesPage(entries, Math.Max(fromSequenceNr, highestKnown + 1), highestKnown);
        }

        var last = entries[^1].SequenceNr;
        return new AuditEntriesPage(entries, last + 1, Math.Max(highestKnown, last));
    }

    private static AuditRecord ToRecord(EventEnvelope envelope)
    {
        var entry = (AuditEntry)envelope.Event;
        return new AuditRecord(
            envelope.SequenceNr,
            DateTimeOffset.FromUnixTimeMilliseconds(entry.TimestampUnixMs),
            entry.Node,
            entry.Actor,
            entry.Action,
            entry.Target,
            entry.Detail);
    }
}
