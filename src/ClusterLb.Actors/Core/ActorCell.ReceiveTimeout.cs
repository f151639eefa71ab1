namespace ClusterLb.Actors;

internal sealed partial class ActorCell
{
    private TimeSpan? _receiveTimeout;
    private ICancelable? _receiveTimeoutHandle;
    private int _receiveTimeoutGeneration;

    public void SetReceiveTimeout(TimeSpan? timeout)
    {
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "A receive timeout must be positive; pass null to clear it.");
        }

        _receiveTimeout = timeout;
        RestartReceiveTimeout();
    }

    private void RestartReceiveTimeout()
    {
        CancelReceiveTimeout();
        if (_receiveTimeout is { } timeout && !IsTerminating)
        {
            var fired = new ReceiveTimeoutFired(_receiveTimeoutGeneration);
            _receiveTimeoutHandle = Dispatcher.ScheduleOnce(timeout, static s => ((ReceiveTimeoutFired)s!).Owner!.Tell(s), fired with { Owner = SelfRef });
        }
    }

    private void CancelReceiveTimeout()
    {
        _receiveTimeoutGeneration++;
        _receiveTimeoutHandle?.Cancel();
        _receiveTimeoutHandle = null;
    }

    private bool AcceptReceiveTimeout(ReceiveTimeoutFired fired) => fired.Generation == _receiveTimeoutGeneration && _receiveTimeout is not null;

    internal sealed record ReceiveTimeoutFired(int Generation) : INotInfluenceReceiveTimeout
    {
        public LocalActorRef? Owner { get; init; }
    }
}
