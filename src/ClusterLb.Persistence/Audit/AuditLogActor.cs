using ClusterLb.Actors;
using ClusterLb.Persistence.Audit.Events;
using ClusterLb.Persistence.Serialization;

namespace ClusterLb.Persistence.Audit;

/// <summary>
/// The event-sourced admin audit log: who changed what, when, on which node. It keeps no entries in memory; a
/// query reads a page straight from the journal, so recovery only restores the sequence number.
/// </summary>
public sealed class AuditLogActor : PersistentActor
{
    /// <summary>Largest page a query may ask for.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>The default persistence id.</summary>
    public const string DefaultPersistenceId = "audit-log";

    private readonly string _persistenceId;
    private readonly TimeProvider _time;

    private AuditLogActor(string persistenceId, TimeProvider time)
    {
        _persistenceId = persistenceId;
        _time = time;
    }

    public override string PersistenceId => _persistenceId;

    /// <summary>Entries are never replayed into memory; only the highest sequence number is recovered.</summary>
    protected override Recovery Recovery => Recovery.None;

    /// <summary>Props for the audit log (one per cluster node, or a cluster singleton, per persistence id).</summary>
    public static Props Props(string persistenceId = DefaultPersistenceId, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        return ClusterLb.Actors.Props.Create(() => new AuditLogActor(persistenceId, time ?? TimeProvider.System));
    }

    protected override void RegisterTypes(MessageTypeRegistry registry) => registry.Register(AuditEntry.Descriptor);

    protected override bool ReceiveRecover(object message) => true;

    protected override bool ReceiveCommand(object message)
    {
        switch (message)
        {
            case RecordAudit record:
                var entry = new AuditEntry
                {
                    TimestampUnixMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
                    Node = record.Node ?? string.Empty,
                    Actor = record.Actor ?? string.Empty,
                    Action = record.Action ?? string.Empty,
                    Target = record.Target ?? string.Empty,
                    Detail = record.Detail ?? string.Empty,
                };
                var replyTo = Sender;
                Persist(entry, _ => replyTo.Tell(new AuditRecorded(LastSequenceNr), Self));
                return true;
            case GetAuditEntries query:
                Query(query, Sender);
                return true;
            default:
                return false;
        }
    }

    private void Query(GetAuditEntries query, IActorRef replyTo)
    {
        if (query.FromSequenceNr < 1 || query.Max is < 1 or > MaxPageSize)
        {
            replyTo.Tell(new Status.Failure(new ArgumentOutOfRangeException(
                nameof(query),
                query,
                $"GetAuditEntries needs FromSequenceNr >= 1 and 1 <= Max <= {MaxPageSize}; got FromSequenceNr={query.FromSequenceNr}, Max={query.Max}.")));
            return;
        }

        var highest = LastSequenceNr;
        var page = new List<AuditRecord>(Math.Min(query.Max, 64));
        Journal.ReplayAsync(PersistenceId, query.FromSequenceNr, highest, query.Max, repr =>
            {
                var e = (AuditEntry)repr.Payload;
                page.Add(new AuditRecord(
                    repr.SequenceNr, DateTimeOffset.FromUnixTimeMilliseconds(e.TimestampUnixMs), e.Node, e.Actor, e.Action, e.Target, e.Detail));
            })
            .PipeTo(replyTo, Self, success: () => new AuditEntriesPage(
                page,
                page.Count == 0 ? Math.Max(query.FromSequenceNr, highest + 1) : page[^1].SequenceNr + 1,
                highest));
    }
}
