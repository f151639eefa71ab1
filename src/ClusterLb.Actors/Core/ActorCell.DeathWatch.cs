namespace ClusterLb.Actors;

internal sealed partial class ActorCell
{
    private readonly HashSet<IActorRef> _watching = [];
    private readonly HashSet<IActorRef> _watchedBy = [];

    // Terminated messages queued but not yet delivered; Unwatch removes the entry so the message is dropped.
    private readonly HashSet<IActorRef> _terminatedQueued = [];

    public IActorRef Watch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Equals(Self) || !_watching.Add(subject))
        {
            return subject;
        }

        if (subject is InternalActorRef target)
        {
            target.SendSystemMessage(new Watch(subject, Self));
        }
        else
        {
            // Nobody (or a foreign ref) can never report its death: treat it as already gone.
            SelfRef.SendSystemMessage(new DeathWatchNotification(subject, ExistenceConfirmed: false, AddressTerminated: false));
        }

        return subject;
    }

    public IActorRef Unwatch(IActorRef subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (_watching.Remove(subject) && subject is InternalActorRef target)
        {
            target.SendSystemMessage(new Unwatch(subject, Self));
        }

        _terminatedQueued.Remove(subject);
        return subject;
    }

    private void AddWatcher(IActorRef watchee, IActorRef watcher)
    {
        if (watchee.Equals(Self) && !watcher.Equals(Self))
        {
            _watchedBy.Add(watcher);
        }
    }

    private void RemoveWatcher(IActorRef watchee, IActorRef watcher)
    {
        if (watchee.Equals(Self))
        {
            _watchedBy.Remove(watcher);
        }
    }

    private void OnDeathWatchNotification(DeathWatchNotification notification)
    {
        var actor = notification.Actor;
        var wasChild = RemoveChild(actor);
        if (_watching.Remove(actor) && !IsTerminating)
        {
            _terminatedQueued.Add(actor);
            Mailbox.Post(new WatchedTerminated(new Terminated(actor, notification.ExistenceConfirmed, notification.AddressTerminated)), actor);
        }

        if (wasChild)
        {
            OnChildGone();
        }
    }

    /// <summary>Tells every watcher and then the parent that we are gone; drops our own watches.</summary>
    private void NotifyWatchersOfDeath()
    {
        foreach (var watcher in _watchedBy)
        {
            if (watcher is InternalActorRef target && !watcher.Equals(ParentRef))
            {
                target.SendSystemMessage(new DeathWatchNotification(Self, ExistenceConfirmed: true, AddressTerminated: false));
            }
        }

        _watchedBy.Clear();
        foreach (var watchee in _watching)
        {
            if (watchee is InternalActorRef target)
            {
                target.SendSystemMessage(new Unwatch(watchee, Self));
            }
        }

        _watching.Clear();
        _terminatedQueued.Clear();
        ParentRef.SendSystemMessage(new DeathWatchNotification(Self, ExistenceConfirmed: true, AddressTerminated: false));
    }

    /// <summary>Wraps a kernel-generated Terminated so a user-sent Terminated is never mistaken for it.</summary>
    internal sealed record WatchedTerminated(Terminated Terminated);
}
