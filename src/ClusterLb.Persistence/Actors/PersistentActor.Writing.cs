using ClusterLb.Actors;
using ClusterLb.Persistence.Journal;

namespace ClusterLb.Persistence;

public abstract partial class PersistentActor
{
    // Events persisted but whose handlers have not run yet, in persist order.
    private readonly Queue<(PersistentRepr Event, Action<object> Handler)> _pending = new();

    // Atomic writes not yet handed to the journal (collected while a message is handled).
    private readonly List<AtomicWrite> _unsent = [];
    private bool _writeInFlight;

    /// <summary>
    /// Stores the event and then runs <paramref name="handler"/> with it on this actor. New commands are stashed
    /// until every pending handler ran.
    /// </summary>
    protected void Persist<TEvent>(TEvent @event, Action<TEvent> handler)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(handler);
        EnsureCanPersist();
        var repr = new PersistentRepr(PersistenceId, ++_assignedSequenceNr, @event, _writerUuid);
        _pending.Enqueue((repr, e => handler((TEvent)e)));
        _unsent.Add(new AtomicWrite(repr));
    }

    /// <summary>Stores the events atomically (all or none) and runs the handler for each, in order.</summary>
    protected void PersistAll<TEvent>(IEnumerable<TEvent> events, Action<TEvent> handler)
        where TEvent : notnull
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(handler);
        EnsureCanPersist();
        var reprs = new List<PersistentRepr>();
        foreach (var @event in events)
        {
            var repr = new PersistentRepr(PersistenceId, ++_assignedSequenceNr, @event, _writerUuid);
            reprs.Add(repr);
            _pending.Enqueue((repr, e => handler((TEvent)e)));
        }

        if (reprs.Count > 0)
        {
            _unsent.Add(new AtomicWrite(reprs));
        }
    }

    /// <summary>Deletes events up to <paramref name="toSequenceNr"/>; answers with <see cref="DeleteMessagesSuccess"/> or <see cref="DeleteMessagesFailure"/>.</summary>
    protected void DeleteMessages(long toSequenceNr)
    {
        if (toSequenceNr > LastSequenceNr)
        {
            Self.Tell(new DeleteMessagesFailure(
                new ArgumentOutOfRangeException(
                    nameof(toSequenceNr),
                    toSequenceNr,
                    $"Cannot delete up to {toSequenceNr}: the last sequence number of '{PersistenceId}' is {LastSequenceNr}."),
                toSequenceNr));
            return;
        }

        _journal.DeleteMessagesToAsync(PersistenceId, toSequenceNr)
            .PipeTo(Self, success: () => new DeleteMessagesSuccess(toSequenceNr), failure: e => new DeleteMessagesFailure(e, toSequenceNr));
    }

    private void EnsureCanPersist()
    {
        if (_phase != Phase.Running)
        {
            throw new InvalidOperationException(
                $"Persist is not allowed while '{PersistenceId}' is {(_phase == Phase.Recovering ? "replaying" : "stopping")}.");
        }
    }

    private void FlushWrites()
    {
        if (_writeInFlight || _unsent.Count == 0 || _phase != Phase.Running)
        {
            return;
        }

        // One batch in flight at a time keeps this persistence id's writes in order.
        var writes = _unsent.ToArray();
        _unsent.Clear();
        _writeInFlight = true;
        var incarnation = _incarnation;
        Task<IReadOnlyList<Exception?>> task;
        try
        {
            task = _journal.WriteAsync(writes);
        }
        catch (Exception e)
        {
            task = Task.FromException<IReadOnlyList<Exception?>>(e);
        }

        task.PipeTo(
            Self,
            success: results => new PersistentActorProtocol.WriteCompleted(incarnation, writes, results),
            failure: e => new PersistentActorProtocol.WriteFailed(incarnation, writes, e));
    }

    private void OnWriteCompleted(IReadOnlyList<AtomicWrite> writes, IReadOnlyList<Exception?> results)
    {
        _writeInFlight = false;
        for (var i = 0; i < writes.Count; i++)
        {
            foreach (var repr in writes[i].Payload)
            {
                var (_, handler) = _pending.Dequeue();
                LastSequenceNr = repr.SequenceNr;
                if (results[i] is { } rejection)
                {
                    OnPersistRejected(rejection, repr.Payload, repr.SequenceNr);
                }
                else
                {
                    handler(repr.Payload);
                }
            }
        }

        if (_pending.Count == 0 && _phase == Phase.Running)
        {
            Context.Stash.UnstashAll();
        }
    }

    private void OnWriteFailed(IReadOnlyList<AtomicWrite> writes, Exception cause)
    {
        _writeInFlight = false;
        var first = writes[0].Payload[0];
        OnPersistFailure(cause, first.Payload, first.SequenceNr);
        StopSelf();
    }
}
