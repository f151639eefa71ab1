// TEMPORARY: stands in for the audit helper's Akka.Persistence actor until its branch merges; deleted then.
using Akka.Actor;

namespace ClusterLb.Runtime.Audit;

public sealed record RecordAudit(string Node, string Actor, string Action, string Target, string Detail = "");
public sealed record AuditRecorded(long SequenceNr);
public sealed record GetAuditEntries(long FromSequenceNr, int Max);
public sealed record AuditEntriesPage(IReadOnlyList<AuditRecord> Entries, long NextSequenceNr, long HighestSequenceNr);
public sealed record AuditRecord(long SequenceNr, DateTimeOffset Timestamp, string Node, string Actor, string Action, string Target, string Detail);

public sealed class AuditLogActor : ReceiveActor
{
    public const string DefaultPersistenceId = "audit-log";
    private readonly List<AuditRecord> _entries = [];

    public AuditLogActor()
    {
        Receive<RecordAudit>(r =>
        {
            _entries.Add(new AuditRecord(_entries.Count + 1, DateTimeOffset.UtcNow, r.Node, r.Actor, r.Action, r.Target, r.Detail));
            Sender.Tell(new AuditRecorded(_entries.Count));
        });
        Receive<GetAuditEntries>(q =>
        {
            var page = _entries.Skip((int)q.FromSequenceNr - 1).Take(q.Max).ToList();
            Sender.Tell(new AuditEntriesPage(page, page.Count == 0 ? Math.Max(q.FromSequenceNr, _entries.Count + 1) : page[^1].SequenceNr + 1, _entries.Count));
        });
    }

    public static Props Props(string persistenceId = DefaultPersistenceId) => Akka.Actor.Props.Create(() => new AuditLogActor());
}
