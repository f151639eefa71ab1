using Akka.Actor;
using Akka.Persistence;
using Akka.Persistence.Query;
using Akka.Streams;
using ClusterLb.Runtime.Audit.Events;

namespace ClusterLb.Runtime.Audit;

/// <summary>
/// The event-sourced admin audit log of one node: who changed what, when. Entries are <see cref="AuditEntry"/>
/// events in the SQL journal; the actor keeps none in memory and reads pages back through the read journal.
/// </summary>
public sealed class AuditLogActor : ReceivePersistentActor
{
    /// <summary>Largest page a query may ask for.</summary>
    public const int MaxPageSize = 1000;

    private readonly TimeProvider _time;
    private readonly AuditLogReadiness? _readiness;
    private readonly string _readJournalPluginId;
    private AuditPageReader? _reader;

    // Persist stashes every later command until its handler ran, so at most one write waits for the journal.
    private IActorRef? _writeRequester;

    /// <summary>Use <see cref="Props"/>; public because Akka creates the actor by reflection.</summary>
    public AuditLogActor(string node, AuditLogReadiness? readiness, TimeProvider time, string readJournalPluginId)
    {
        PersistenceId = PersistenceIdFor(node);
        _readiness = readiness;
        _time = time;
        _readJournalPluginId = readJournalPluginId;

        Recover<RecoveryCompleted>(_ => _readiness?.Succeed(LastSequenceNr));
        Command<RecordAudit>(Record);
        Command<GetAuditEntries>(Query);
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>
    /// Replays nothing: Akka still asks the journal for the highest sequence number (one indexed MAX query), so new
    /// entries continue the sequence, and the snapshot store answers <c>SnapshotSelectionCriteria.None</c> without
    /// reading its table.
    /// </summary>
    public override Recovery Recovery => Recovery.None;

    /// <summary>The persistence id of <paramref name="node"/>'s audit log: <c>audit-log-&lt;node&gt;</c>.</summary>
    public static string PersistenceIdFor(string node)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        return "audit-log-" + node;
    }

    /// <summary>Props for <paramref name="node"/>'s audit log (one live actor per node: the journal allows one writer per id).</summary>
    /// <param name="node">The node name, which makes the persistence id.</param>
    /// <param name="readiness">Completed when recovery succeeds or fails; see <see cref="AuditLog.StartAsync"/>.</param>
    /// <param name="time">Clock for the entries' timestamps.</param>
    /// <param name="readJournalPluginId">The read journal that serves pages.</param>
    public static Props Props(
        string node,
        AuditLogReadiness? readiness = null,
        TimeProvider? time = null,
        string readJournalPluginId = AuditPersistenceConfig.ReadJournalPluginId)
    {
        ArgumentException.ThrowIfNullOrEmpty(node);
        ArgumentException.ThrowIfNullOrEmpty(readJournalPluginId);
        return Akka.Actor.Props.Create(() => new AuditLogActor(node, readiness, time ?? TimeProvider.System, readJournalPluginId));
    }

    /// <inheritdoc />
    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        base.OnRecoveryFailure(reason, message);
        _readiness?.Fail($"recovery from the journal failed: {AuditLogReadiness.Describe(reason)}", reason);
    }

    /// <inheritdoc />
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistFailure(cause, @event, sequenceNr);
        _writeRequester?.Tell(new Status.Failure(cause));
        _writeRequester = null;
    }

    /// <inheritdoc />
    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        _writeRequester?.Tell(new Status.Failure(cause));
        _writeRequester = null;
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        // Stopped before RecoveryCompleted without OnRecoveryFailure (e.g. the system shut down mid-recovery).
        _readiness?.Fail("the audit log actor stopped before its recovery completed", null);
        base.PostStop();
    }

    private void Record(RecordAudit record)
    {
        var entry = new AuditEntry
        {
            TimestampUnixMs = _time.GetUtcNow().ToUnixTimeMilliseconds(),
            Node = record.Node ?? string.Empty,
            Actor = record.Actor ?? string.Empty,
            Action = record.Action ?? string.Empty,
            Target = record.Target ?? string.Empty,
            Detail = record.Detail ?? string.Empty,
        };
        _writeRequester = Sender;
        Persist(entry, _ =>
        {
            _writeRequester?.Tell(new AuditRecorded(LastSequenceNr));
            _writeRequester = null;
        });
    }

    private void Query(GetAuditEntries query)
    {
        if (query.FromSequenceNr < 1 || query.Max is < 1 or > MaxPageSize)
        {
            Sender.Tell(new Status.Failure(new ArgumentOutOfRangeException(
                nameof(query),
                query,
                $"GetAuditEntries needs FromSequenceNr >= 1 and 1 <= Max <= {MaxPageSize}; got FromSequenceNr={query.FromSequenceNr}, Max={query.Max}.")));
            return;
        }

        AuditPageReader reader;
        try
        {
            reader = _reader ??= CreateReader();
        }
        catch (Exception e)
        {
            Sender.Tell(new Status.Failure(e));
            return;
        }

        reader.ReadAsync(query.FromSequenceNr, query.Max, LastSequenceNr).PipeTo(Sender, Self);
    }

    // Created on first use, after recovery: the SQL read journal's constructor waits for the write journal to
    // finish initializing, which by then it has.
    private AuditPageReader CreateReader()
    {
        var readJournal = PersistenceQuery.Get(Context.System).ReadJournalFor<ICurrentEventsByPersistenceIdQuery>(_readJournalPluginId);
        return new AuditPageReader(readJournal, Context.Materializer(), PersistenceId);
    }
}
