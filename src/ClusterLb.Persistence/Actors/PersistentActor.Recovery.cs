using ClusterLb.Actors;
using ClusterLb.Persistence.Snapshot;

namespace ClusterLb.Persistence;

public abstract partial class PersistentActor
{
    private void StartRecovery()
    {
        _incarnation = Interlocked.Increment(ref _incarnations);
        _writerUuid = Guid.NewGuid().ToString("N");
        _phase = Phase.Recovering;
        _pending.Clear();
        _unsent.Clear();
        _writeInFlight = false;
        LastSequenceNr = 0;
        SnapshotSequenceNr = 0;
        _assignedSequenceNr = 0;

        var incarnation = _incarnation;
        var self = Self;
        var persistenceId = PersistenceId;
        var recovery = Recovery;
        var journal = _journal;
        var snapshotStore = _snapshotStore;
        _ = Task.Run(async () =>
        {
            // Runs off the actor; results come back as messages, in order, and are applied on the actor's turn.
            try
            {
                SelectedSnapshot? snapshot = null;
                if (recovery.FromSnapshot.MaxSequenceNr > 0)
                {
                    var criteria = recovery.FromSnapshot with
                    {
                        MaxSequenceNr = Math.Min(recovery.FromSnapshot.MaxSequenceNr, recovery.ToSequenceNr),
                    };
                    snapshot = await snapshotStore.LoadAsync(persistenceId, criteria).ConfigureAwait(false);
                }

                self.Tell(new PersistentActorProtocol.SnapshotLoaded(incarnation, snapshot));
                var from = (snapshot?.Metadata.SequenceNr ?? 0) + 1;
                if (recovery.ReplayMax > 0 && from <= recovery.ToSequenceNr)
                {
                    await journal.ReplayAsync(
                        persistenceId,
                        from,
                        recovery.ToSequenceNr,
                        recovery.ReplayMax,
                        e => self.Tell(new PersistentActorProtocol.Replayed(incarnation, e))).ConfigureAwait(false);
                }

                // Includes a delete marker, so new events never reuse a sequence number.
                var highest = await journal.ReadHighestSequenceNrAsync(persistenceId, 0).ConfigureAwait(false);
                self.Tell(new PersistentActorProtocol.ReplayCompleted(incarnation, highest));
            }
            catch (Exception e)
            {
                self.Tell(new PersistentActorProtocol.RecoveryFailed(incarnation, e));
            }
        });
    }

    private void OnSnapshotLoaded(SelectedSnapshot? snapshot)
    {
        if (snapshot is null)
        {
            return;
        }

        LastSequenceNr = SnapshotSequenceNr = snapshot.Metadata.SequenceNr;
        Recover(new SnapshotOffer(snapshot.Metadata, snapshot.Snapshot));
    }

    private void OnReplayed(Journal.PersistentRepr @event)
    {
        if (_phase != Phase.Recovering)
        {
            return;
        }

        LastSequenceNr = @event.SequenceNr;
        Recover(@event.Payload);
    }

    private void OnReplayCompleted(long highestSequenceNr)
    {
        if (_phase != Phase.Recovering)
        {
            return;
        }

        LastSequenceNr = Math.Max(LastSequenceNr, highestSequenceNr);
        _assignedSequenceNr = LastSequenceNr;
        _phase = Phase.Running;
        Recover(RecoveryCompleted.Instance);
        if (_phase == Phase.Running && _pending.Count == 0)
        {
            Context.Stash.UnstashAll();
        }
    }

    private void Recover(object message)
    {
        try
        {
            ReceiveRecover(message);
        }
        catch (Exception e)
        {
            FailRecovery(e, message);
        }
    }

    private void FailRecovery(Exception cause, object? message)
    {
        OnRecoveryFailure(cause, message);
        StopSelf();
    }
}
