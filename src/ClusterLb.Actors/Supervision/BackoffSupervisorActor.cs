namespace ClusterLb.Actors;

/// <summary>The actor behind <see cref="BackoffSupervisor.Props"/>.</summary>
internal sealed class BackoffSupervisorActor : ActorBase
{
    private const string StartTimer = "start-child";
    private const string ResetTimer = "reset-count";

    private readonly BackoffOptions _options;
    private readonly SupervisorStrategy _strategy;
    private IActorRef? _child;
    private int _restartCount;
    private int _childGeneration;
    private bool _childFailed;

    public BackoffSupervisorActor(BackoffOptions options)
    {
        _options = options;
        _strategy = options.OnStop
            ? ClusterLb.Actors.SupervisorStrategy.DefaultStrategy
            : new OneForOneStrategy(cause =>
            {
                // onFailure: stop the child now and bring it back after the backoff delay.
                _childFailed = true;
                return Directive.Stop;
            });
    }

    protected override SupervisorStrategy SupervisorStrategy() => _strategy;

    protected override void PreStart() => StartChild();

    // The child is stopped and restarted by our own backoff logic, not by a restart of this supervisor.
    protected override void PostRestart(Exception reason)
    {
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case Terminated terminated when terminated.ActorRef.Equals(_child):
                OnChildTerminated();
                return true;
            case StartChildMessage:
                StartChild();
                return true;
            case ResetCountMessage reset:
                if (reset.Generation == _childGeneration && _child is not null)
                {
                    _restartCount = 0;
                }

                return true;
            case BackoffSupervisor.GetCurrentChild:
                Sender.Tell(new BackoffSupervisor.CurrentChild(_child), Self);
                return true;
            case BackoffSupervisor.GetRestartCount:
                Sender.Tell(new BackoffSupervisor.RestartCount(_restartCount), Self);
                return true;
            case BackoffSupervisor.Reset:
                _restartCount = 0;
                return true;
            default:
                if (_child is not null)
                {
                    _child.Tell(message, Sender);
                }
                else
                {
                    Context.System.DeadLetters.Tell(new DeadLetter(message, Sender, Self));
                }

                return true;
        }
    }

    private void StartChild()
    {
        if (_child is not null)
        {
            return;
        }

        _childFailed = false;
        _child = Context.Watch(Context.ActorOf(_options.ChildProps, _options.ChildName));
        _childGeneration++;
        Context.Timers.StartSingleTimer(ResetTimer, new ResetCountMessage(_childGeneration), _options.ResetBackoffAfter ?? _options.MinBackoff);
    }

    private void OnChildTerminated()
    {
        _child = null;
        Context.Timers.Cancel(ResetTimer);
        if (!_options.OnStop && !_childFailed)
        {
            // onFailure mode: a child that stopped by itself is done, and so are we.
            Context.Stop(Self);
            return;
        }

        if (_options.MaxNrOfRetries >= 0 && _restartCount >= _options.MaxNrOfRetries)
        {
            Context.Stop(Self);
            return;
        }

        var delay = BackoffSupervisor.CalculateDelay(_restartCount, _options.MinBackoff, _options.MaxBackoff, _options.RandomFactor, Random.Shared.NextDouble());
        _restartCount++;
        LogMessages.BackoffRestart(Context.Log, Self.Path, delay, _restartCount);
        Context.Timers.StartSingleTimer(StartTimer, StartChildMessage.Instance, delay);
    }

    private sealed record StartChildMessage
    {
        public static readonly StartChildMessage Instance = new();
    }

    private sealed record ResetCountMessage(int Generation);
}
