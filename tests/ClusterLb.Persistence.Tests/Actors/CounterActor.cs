using ClusterLb.Actors;
using ClusterLb.Persistence.Journal;
using ClusterLb.Persistence.Snapshot;
using ClusterLb.Persistence.Tests.Messages;

namespace ClusterLb.Persistence.Tests.Actors;

/// <summary>A persistent counter that records what it recovered and in which order it handled things.</summary>
public sealed class CounterActor : PersistentActor
{
    private readonly string _persistenceId;
    private readonly IJournal _journal;
    private readonly ISnapshotStore _snapshots;
    private readonly IActorRef _observer;
    private readonly List<string> _log = [];
    private long _total;
    private IActorRef _snapshotRequester = ActorRefs.Nobody;

    public CounterActor(string persistenceId, IJournal journal, ISnapshotStore snapshots, IActorRef observer)
    {
        _persistenceId = persistenceId;
        _journal = journal;
        _snapshots = snapshots;
        _observer = observer;
    }

    public override string PersistenceId => _persistenceId;

    protected override IJournal Journal => _journal;

    protected override ISnapshotStore SnapshotStore => _snapshots;

    public static Props Props(string persistenceId, IJournal journal, ISnapshotStore snapshots, IActorRef observer) =>
        ClusterLb.Actors.Props.Create(() => new CounterActor(persistenceId, journal, snapshots, observer));

    protected override bool ReceiveRecover(object message)
    {
        switch (message)
        {
            case SnapshotOffer { Snapshot: CounterSnapshot snapshot } offer:
                _total = snapshot.Total;
                _log.Add($"snapshot:{offer.Metadata.SequenceNr}");
                return true;
            case CounterIncremented e:
                if (e.Note == "explode")
                {
                    throw new InvalidOperationException("replay handler failed");
                }

                _total += e.Amount;
                _log.Add($"event:{LastSequenceNr}");
                return true;
            case RecoveryCompleted:
                _log.Add("completed");
                return true;
            default:
                return false;
        }
    }

    protected override bool ReceiveCommand(object message)
    {
        var replyTo = Sender;
        switch (message)
        {
            case Add add:
                Persist(new CounterIncremented { Amount = add.Amount, Note = add.Note }, e => Apply(e, replyTo));
                return true;
            case AddMany many:
                PersistAll(many.Amounts.Select(a => new CounterIncremented { Amount = a }), e => Apply(e, replyTo));
                return true;
            case PersistUnregistered:
                Persist(new NotRegistered { Text = "x" }, _ => _log.Add("unregistered handler ran"));
                return true;
            case TakeSnapshot:
                _snapshotRequester = replyTo;
                SaveSnapshot(new CounterSnapshot { Total = _total });
                return true;
            case SaveSnapshotSuccess success:
                _snapshotRequester.Tell(success);
                return true;
            case Delete delete:
                _snapshotRequester = replyTo;
                DeleteMessages(delete.ToSequenceNr);
                return true;
            case DeleteMessagesSuccess or DeleteMessagesFailure:
                _snapshotRequester.Tell(message);
                return true;
            case GetState:
                replyTo.Tell(new CounterState(_total, LastSequenceNr, SnapshotSequenceNr, _log.ToList()));
                return true;
            default:
                return false;
        }
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistRejected(cause, @event, sequenceNr);
        _observer.Tell(new Rejected(sequenceNr, cause.Message));
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        base.OnPersistFailure(cause, @event, sequenceNr);
        _observer.Tell(new PersistFailed(sequenceNr, cause.Message));
    }

    protected override void OnRecoveryFailure(Exception cause, object? message)
    {
        base.OnRecoveryFailure(cause, message);
        _observer.Tell(new RecoveryFailedNotice(cause.Message));
    }

    private void Apply(CounterIncremented e, IActorRef replyTo)
    {
        _total += e.Amount;
        _log.Add($"cmd:{e.Amount}");
        replyTo.Tell(new Added(_total, LastSequenceNr));
    }

    public sealed record Add(long Amount, string Note = "");

    public sealed record AddMany(long[] Amounts);

    public sealed record PersistUnregistered;

    public sealed record TakeSnapshot;

    public sealed record Delete(long ToSequenceNr);

    public sealed record GetState;

    public sealed record Added(long Total, long SequenceNr);

    public sealed record CounterState(long Total, long LastSequenceNr, long SnapshotSequenceNr, IReadOnlyList<string> Log);

    public sealed record Rejected(long SequenceNr, string Reason);

    public sealed record PersistFailed(long SequenceNr, string Reason);

    public sealed record RecoveryFailedNotice(string Reason);
}
