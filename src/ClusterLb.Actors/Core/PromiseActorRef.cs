namespace ClusterLb.Actors;

/// <summary>
/// The temporary sender of an Ask: no actor, no mailbox, just a task completed by the first reply, the
/// timeout or the caller's cancellation. Late replies become dead letters.
/// </summary>
internal sealed class PromiseActorRef<T> : InternalActorRef
{
    private readonly TaskCompletionSource<T> _promise = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TempRefContainer _container;
    private readonly IActorRef _target;
    private readonly object _message;
    private readonly TimeSpan _timeout;
    private readonly Timer? _timer;
    private readonly CancellationTokenRegistration _cancellation;
    private readonly Lock _registration = new();
    private ActorPath? _path;
    private long _id;

    public PromiseActorRef(TempRefContainer container, IActorRef target, object message, TimeSpan timeout, CancellationToken ct)
    {
        _container = container;
        _target = target;
        _message = message;
        _timeout = timeout;
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            _timer = new Timer(static s => ((PromiseActorRef<T>)s!).OnTimeout(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timer.Change(timeout, Timeout.InfiniteTimeSpan);
        }

        if (ct.CanBeCanceled)
        {
            _cancellation = ct.Register(static s => ((PromiseActorRef<T>)s!).OnCancelled(), this);
        }
    }

    // Registered under /temp on demand: a local reply needs no path; remoting serialising the sender does.
    public override ActorPath Path => Volatile.Read(ref _path) ?? Register();

    public override ActorSystem System => _container.System;

    public override bool IsTerminated => _promise.Task.IsCompleted;

    public Task<T> Task => _promise.Task;

    public override void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var completed = message switch
        {
            T reply => _promise.TrySetResult(reply),
            Status.Failure failure => _promise.TrySetException(failure.Cause),
            Status.Success { Value: T value } => _promise.TrySetResult(value),
            _ => _promise.TrySetException(new InvalidCastException(
                $"Ask to {_target.Path} expected a reply of type {typeof(T).Name} but got {message.GetType().Name}.")),
        };

        if (completed)
        {
            Cleanup();
        }
        else
        {
            System.DeadLetterOffice.Publish(new DeadLetter(message, sender ?? System.DeadLetters, this));
        }
    }

    public override void SendSystemMessage(SystemMessage message)
    {
        if (message is Watch watch && IsTerminated && watch.Watcher is InternalActorRef watcher)
        {
            watcher.SendSystemMessage(new DeathWatchNotification(this, ExistenceConfirmed: false, AddressTerminated: false));
        }
    }

    private void OnTimeout()
    {
        if (_promise.TrySetException(new AskTimeoutException(
            $"Ask to {_target.Path} timed out after {_timeout.TotalMilliseconds:0} ms waiting for a reply to {_message.GetType().Name}.")))
        {
            Cleanup();
        }
    }

    private void OnCancelled()
    {
        if (_promise.TrySetCanceled())
        {
            Cleanup();
        }
    }

    private ActorPath Register()
    {
        lock (_registration)
        {
            if (_path is null)
            {
                _id = _container.Register(this);
                Volatile.Write(ref _path, _container.Path.Child(TempRefContainer.NameOf(_id), _id));
                if (_promise.Task.IsCompleted)
                {
                    _container.Unregister(_id); // completed meanwhile: keep the path, drop the registration
                }
            }

            return _path;
        }
    }

    private void Cleanup()
    {
        lock (_registration)
        {
            if (_path is not null)
            {
                _container.Unregister(_id);
            }
        }

        _timer?.Dispose();
        _cancellation.Dispose();
    }
}
