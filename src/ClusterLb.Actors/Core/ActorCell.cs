using Microsoft.Extensions.Logging;

namespace ClusterLb.Actors;

/// <summary>
/// The kernel side of one actor: its mailbox, children, watchers, timers and lifecycle. Everything here except
/// the children map and the mailbox entry points runs on the actor's own turn, so it needs no locks.
/// </summary>
internal sealed partial class ActorCell : IActorContext
{
    [ThreadStatic]
    private static ActorCell? t_constructing;

    private readonly List<Func<object, bool>> _behaviors = new(2);
    private ActorBase? _actor;
    private Envelope _current;
    private ILogger? _log;
    private TimerScheduler? _timers;
    private volatile CellState _state = CellState.Created;

    public ActorCell(ActorSystem system, LocalActorRef self, Props props, InternalActorRef parent, Dispatcher dispatcher)
    {
        System = system;
        SelfRef = self;
        Props = props;
        ParentRef = parent;
        Dispatcher = dispatcher;
        Mailbox = new Mailbox(dispatcher, props.MailboxCapacity);
        Mailbox.Attach(this);
        self.Cell = this;
    }

    private enum CellState
    {
        Created,
        Running,
        Terminating,
        Terminated,
    }

    /// <summary>The cell whose actor constructor is running on this thread (how ActorBase finds its context).</summary>
    internal static ActorCell? Constructing => t_constructing;

    public ActorSystem System { get; }

    public Props Props { get; }

    public Mailbox Mailbox { get; }

    public Dispatcher Dispatcher { get; }

    public LocalActorRef SelfRef { get; }

    public InternalActorRef ParentRef { get; }

    public IActorRef Self => SelfRef;

    public IActorRef Parent => ParentRef;

    public IActorRef Sender => _current.Sender ?? System.DeadLetters;

    public bool IsTerminated => _state == CellState.Terminated;

    internal bool IsTerminating => _state >= CellState.Terminating;

    internal ActorBase? Actor => _actor;

    public ILogger Log => _log ??= System.LoggerFactory.CreateLogger(Props.ActorType?.FullName ?? _actor?.GetType().FullName ?? "ClusterLb.Actors.Actor");

    public ITimerScheduler Timers => _timers ??= new TimerScheduler(this);

    public IStash Stash => this;

    /// <summary>Starts the actor: the instance is created on the actor's own first turn.</summary>
    public void Start() => Mailbox.PostSystem(Create.Instance);

    public bool CanProcessSystem => _pendingTask is null;

    public bool CanProcessUser => _pendingTask is null && _suspendCount == 0 && _state == CellState.Running;

    public bool TryDequeueUser(out Envelope envelope)
    {
        if (_unstashed.First is { } first)
        {
            envelope = first.Value;
            _unstashed.RemoveFirst();
            return true;
        }

        return Mailbox.TryRead(out envelope);
    }

    public void Invoke(Envelope envelope)
    {
        _current = envelope;
        var message = envelope.Message;
        try
        {
            switch (message)
            {
                case TimerScheduler.Fired fired:
                    if (_timers is null || !_timers.Accept(fired))
                    {
                        return;
                    }

                    _current = new Envelope(fired.Message, null);
                    message = fired.Message;
                    break;
                case ReceiveTimeoutFired fired:
                    if (!AcceptReceiveTimeout(fired))
                    {
                        return;
                    }

                    message = ReceiveTimeout.Instance;
                    _current = new Envelope(message, null);
                    break;
                case WatchedTerminated watched:
                    if (!_terminatedQueued.Remove(watched.Terminated.ActorRef))
                    {
                        return;
                    }

                    // Unwrapped in _current too, so a stashed Terminated is replayed as itself.
                    message = watched.Terminated;
                    _current = new Envelope(message, envelope.Sender);
                    break;
                case PoisonPill:
                    Stop(Self);
                    return;
                case Kill:
                    throw new ActorKilledException($"Kill received by {Self.Path}");
                case Identify identify:
                    Sender.Tell(new ActorIdentity(identify.MessageId, Self), Self);
                    return;
            }

            ReceiveMessage(message);
            if (message is not INotInfluenceReceiveTimeout)
            {
                RestartReceiveTimeout();
            }
            else if (message is ReceiveTimeout)
            {
                // Akka keeps firing after each further idle period until the timeout is cleared.
                RestartReceiveTimeout();
            }
        }
        catch (Exception ex)
        {
            HandleInvokeFailure(ex);
        }
    }

    private void ReceiveMessage(object message)
    {
        var actor = _actor!;
        var handled = _behaviors.Count == 0 ? actor.ReceiveInternal(message) : _behaviors[^1](message);
        if (!handled)
        {
            actor.UnhandledInternal(message);
        }
    }

    /// <summary>Unhandled user messages are published and logged, not counted as dead letters.</summary>
    internal void PublishUnhandled(object message)
    {
        System.EventStream.Publish(new UnhandledMessage(message, Sender, Self));
        LogMessages.Unhandled(Log, Self.Path, message.GetType().Name, Sender.Path);
    }

    public void Become(Func<object, bool> behavior, bool discardOld = true)
    {
        ArgumentNullException.ThrowIfNull(behavior);
        if (discardOld && _behaviors.Count > 0)
        {
            _behaviors.RemoveAt(_behaviors.Count - 1);
        }

        _behaviors.Add(behavior);
    }

    public void Unbecome()
    {
        if (_behaviors.Count > 0)
        {
            _behaviors.RemoveAt(_behaviors.Count - 1);
        }
    }

    public void SystemInvoke(SystemMessage message)
    {
        try
        {
            switch (message)
            {
                case Create:
                    CreateActor();
                    break;
                case Terminate:
                    BeginTerminate();
                    break;
                case Watch watch:
                    AddWatcher(watch.Watchee, watch.Watcher);
                    break;
                case Unwatch unwatch:
                    RemoveWatcher(unwatch.Watchee, unwatch.Watcher);
                    break;
                case DeathWatchNotification notification:
                    OnDeathWatchNotification(notification);
                    break;
                case Failed failed:
                    OnChildFailed(failed);
                    break;
                case Suspend:
                    OnSuspend();
                    break;
                case Resume resume:
                    OnResume(resume);
                    break;
                case Recreate recreate:
                    OnRecreate(recreate.Cause);
                    break;
                case GuardianFailed guardianFailed:
                    HandleInvokeFailure(guardianFailed.Cause);
                    break;
            }
        }
        catch (Exception ex)
        {
            HandleInvokeFailure(ex);
        }
    }

    /// <summary>A system message reached a closed mailbox: answer as a dead actor would.</summary>
    public void SystemInvokeAfterClose(SystemMessage message)
    {
        if (message is Watch watch && !watch.Watcher.Equals(Self) && watch.Watcher is InternalActorRef watcher)
        {
            watcher.SendSystemMessage(new DeathWatchNotification(Self, ExistenceConfirmed: false, AddressTerminated: false));
        }
    }

    private void CreateActor()
    {
        try
        {
            _actor = NewActorInstance();
            _state = CellState.Running;
            _actor.PreStartInternal();
        }
        catch (Exception ex)
        {
            _state = CellState.Running;
            HandleInvokeFailure(ex is ActorInitializationException ? ex : new ActorInitializationException(Self, $"Exception while creating {Self.Path}: {ex.Message}", ex));
        }
    }

    private ActorBase NewActorInstance()
    {
        var previous = t_constructing;
        t_constructing = this;
        try
        {
            return Props.NewActor() ?? throw new InvalidOperationException($"The Props factory for {Self.Path} returned null.");
        }
        finally
        {
            t_constructing = previous;
        }
    }

    /// <summary>The message as its sender meant it, for dead letters: kernel wrappers (timer ticks, watch) removed.</summary>
    internal static object Unwrap(object message) => message switch
    {
        TimerScheduler.Fired fired => fired.Message,
        WatchedTerminated watched => watched.Terminated,
        ReceiveTimeoutFired => ReceiveTimeout.Instance,
        _ => message,
    };

    internal void LogKernelFault(Exception ex) => LogMessages.KernelFault(Log, ex, Self.Path);
}
