namespace ClusterLb.Actors;

/// <summary>Stop an actor and wait until it has really stopped (its PostStop ran and its children are gone).</summary>
public static class GracefulStopExtensions
{
    /// <summary>
    /// Sends <paramref name="stopMessage"/> (default <see cref="PoisonPill"/>, so queued messages are processed
    /// first) and completes with true once the actor terminated, or false if it did not within <paramref name="timeout"/>.
    /// </summary>
    public static Task<bool> GracefulStop(this IActorRef target, TimeSpan timeout, object? stopMessage = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target is not InternalActorRef { System: var system } internalTarget)
        {
            return Task.FromResult(true);
        }

        var watcher = new StopWatcherRef(system, internalTarget, timeout);
        internalTarget.SendSystemMessage(new Watch(internalTarget, watcher));
        target.Tell(stopMessage ?? PoisonPill.Instance);
        return watcher.Task;
    }

    /// <summary>A watcher with no mailbox: it only waits for the death notification.</summary>
    private sealed class StopWatcherRef : InternalActorRef
    {
        private readonly TaskCompletionSource<bool> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly InternalActorRef _target;
        private readonly Timer _timer;
        private readonly long _id;
        private readonly TempRefContainer _container;

        public StopWatcherRef(ActorSystem system, InternalActorRef target, TimeSpan timeout)
        {
            System = system;
            _target = target;
            _container = system.TempContainer;
            _id = _container.Register(this);
            Path = _container.Path.Child(TempRefContainer.NameOf(_id), _id);
            _timer = new Timer(static s => ((StopWatcherRef)s!).Complete(false), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(timeout, Timeout.InfiniteTimeSpan);
        }

        public override ActorPath Path { get; }

        public override ActorSystem System { get; }

        public Task<bool> Task => _stopped.Task;

        public override void Tell(object message, IActorRef? sender = null)
            => System.DeadLetterOffice.Publish(new DeadLetter(message, sender ?? System.DeadLetters, this));

        public override void SendSystemMessage(SystemMessage message)
        {
            if (message is DeathWatchNotification notification && notification.Actor.Equals(_target))
            {
                Complete(true);
            }
        }

        private void Complete(bool stopped)
        {
            if (_stopped.TrySetResult(stopped))
            {
                _timer.Dispose();
                _container.Unregister(_id);
                if (!stopped)
                {
                    _target.SendSystemMessage(new Unwatch(_target, this));
                }
            }
        }
    }
}
