using ClusterLb.Actors;
using ClusterLb.Persistence.Journal;
using ClusterLb.Persistence.Serialization;
using ClusterLb.Persistence.Snapshot;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Persistence;

/// <summary>
/// An event-sourced actor (Akka's PersistentActor). On start it recovers: the newest matching snapshot is offered
/// (<see cref="SnapshotOffer"/>), later events are replayed, then <see cref="RecoveryCompleted"/> is delivered,
/// all to <see cref="ReceiveRecover"/>. Commands that arrive meanwhile are stashed and handled afterwards, in order.
/// <see cref="Persist{TEvent}"/> stores events and runs their handlers in order once stored; commands are stashed
/// until then. A write failure stops the actor; a rejected event (for example one that cannot be serialized) is
/// reported to <see cref="OnPersistRejected"/> and the actor keeps running.
/// </summary>
/// <remarks>
/// Inside a persist handler <see cref="ActorBase.Sender"/> is the journal, not the command's sender: capture the
/// sender in the closure (<c>var replyTo = Sender; Persist(e, _ =&gt; replyTo.Tell(...))</c>).
/// </remarks>
public abstract partial class PersistentActor : ActorBase
{
    private static int _incarnations;

    private int _incarnation;
    private Phase _phase;
    private IJournal _journal = null!;
    private ISnapshotStore _snapshotStore = null!;
    private string _writerUuid = string.Empty;
    private long _assignedSequenceNr;

    private enum Phase
    {
        Recovering,
        Running,
        Stopping,
    }

    /// <summary>The stable identity of this entity's event stream; one live writer per id.</summary>
    public abstract string PersistenceId { get; }

    /// <summary>The sequence number of the last event recovered or persisted (0 before the first).</summary>
    public long LastSequenceNr { get; private set; }

    /// <summary>The sequence number of the snapshot recovery started from (0 when none).</summary>
    public long SnapshotSequenceNr { get; private set; }

    /// <summary>True until <see cref="RecoveryCompleted"/> was delivered.</summary>
    protected bool IsRecovering => _phase == Phase.Recovering;

    /// <summary>How to recover; override to skip snapshots or bound the replay.</summary>
    protected virtual Recovery Recovery => Recovery.Default;

    /// <summary>The journal; by default the system's <see cref="PersistenceExtension"/>.</summary>
    protected virtual IJournal Journal => PersistenceExtension.Get(Context.System).Journal;

    /// <summary>The snapshot store; by default the system's <see cref="PersistenceExtension"/>.</summary>
    protected virtual ISnapshotStore SnapshotStore => PersistenceExtension.Get(Context.System).SnapshotStore;

    /// <summary>Handles the snapshot offer, each replayed event and <see cref="RecoveryCompleted"/>.</summary>
    protected abstract bool ReceiveRecover(object message);

    /// <summary>Handles commands once recovered.</summary>
    protected abstract bool ReceiveCommand(object message);

    /// <summary>Adds the protobuf types this actor persists, before recovery starts.</summary>
    protected virtual void RegisterTypes(MessageTypeRegistry registry)
    {
    }

    /// <summary>Starts recovery. Override <see cref="OnStarted"/> instead of this.</summary>
    protected sealed override void PreStart()
    {
        var extension = Context.System.GetExtension<PersistenceExtension>();
        if (extension is not null)
        {
            RegisterTypes(extension.Registry);
        }

        _journal = Journal;
        _snapshotStore = SnapshotStore;
        StartRecovery();
        OnStarted();
    }

    /// <summary>Runs after recovery was started (recovery itself completes later).</summary>
    protected virtual void OnStarted()
    {
    }

    protected sealed override bool Receive(object message)
    {
        if (message is PersistentActorProtocol protocol)
        {
            if (protocol.Incarnation == _incarnation && _phase != Phase.Stopping)
            {
                Handle(protocol);
                FlushWrites();
            }

            return true;
        }

        if (_phase != Phase.Running || _pending.Count > 0)
        {
            // Recovering, or events of an earlier command are not stored yet: this command waits its turn.
            Context.Stash.Stash();
            return true;
        }

        var handled = ReceiveCommand(message) || message is SaveSnapshotSuccess or SaveSnapshotFailure or DeleteMessagesSuccess
            or DeleteMessagesFailure or DeleteSnapshotsSuccess or DeleteSnapshotsFailure;
        FlushWrites();
        return handled;
    }

    /// <summary>Called when recovery failed (journal error or a throwing handler); the actor is then stopped.</summary>
    protected virtual void OnRecoveryFailure(Exception cause, object? message)
    {
        Context.Log.LogError(
            cause,
            "Recovery of persistence id {PersistenceId} failed at sequence number {SequenceNr} ({MessageType}); stopping",
            PersistenceId,
            LastSequenceNr,
            message?.GetType().Name ?? "journal");
    }

    /// <summary>Called when a write failed (the storage state of the event is unknown); the actor is then stopped.</summary>
    protected virtual void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        Context.Log.LogError(
            cause,
            "Failed to persist event {EventType} with sequence number {SequenceNr} for persistence id {PersistenceId}; stopping",
            @event.GetType().Name,
            sequenceNr,
            PersistenceId);
    }

    /// <summary>Called when the journal refused an event without storing it; its handler does not run and the actor continues.</summary>
    protected virtual void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        Context.Log.LogWarning(
            cause,
            "Rejected event {EventType} with sequence number {SequenceNr} for persistence id {PersistenceId}: {Reason}",
            @event.GetType().Name,
            sequenceNr,
            PersistenceId,
            cause.Message);
    }

    private void Handle(PersistentActorProtocol message)
    {
        switch (message)
        {
            case PersistentActorProtocol.SnapshotLoaded loaded:
                OnSnapshotLoaded(loaded.Snapshot);
                break;
            case PersistentActorProtocol.Replayed replayed:
                OnReplayed(replayed.Event);
                break;
            case PersistentActorProtocol.ReplayCompleted completed:
                OnReplayCompleted(completed.HighestSequenceNr);
                break;
            case PersistentActorProtocol.RecoveryFailed failed:
                FailRecovery(failed.Cause, null);
                break;
            case PersistentActorProtocol.WriteCompleted completed:
                OnWriteCompleted(completed.Writes, completed.Results);
                break;
            case PersistentActorProtocol.WriteFailed failed:
                OnWriteFailed(failed.Writes, failed.Cause);
                break;
        }
    }

    private void StopSelf()
    {
        _phase = Phase.Stopping;
        Context.Stop(Self);
    }
}
