namespace ClusterLb.Actors;

/// <summary>Decides on which thread a mailbox runs and where an actor's timers fire.</summary>
internal abstract class Dispatcher
{
    /// <summary>Messages a mailbox processes per scheduling turn before yielding its thread.</summary>
    public abstract int Throughput { get; }

    /// <summary>Requests one <see cref="Mailbox.Run"/>; the mailbox guarantees at most one request is outstanding.</summary>
    public abstract void Execute(Mailbox mailbox);

    /// <summary>Runs <paramref name="callback"/> after <paramref name="delay"/> unless the returned handle is cancelled.</summary>
    public abstract ICancelable ScheduleOnce(TimeSpan delay, Action<object?> callback, object? state);

    /// <summary>The mailbox closed for good; a dispatcher owning a thread releases it.</summary>
    public virtual void Detach(Mailbox mailbox)
    {
    }
}
