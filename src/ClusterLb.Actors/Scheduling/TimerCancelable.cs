namespace ClusterLb.Actors;

/// <summary>A one-shot or periodic callback on a <see cref="Timer"/> (thread-pool timer queue).</summary>
internal sealed class TimerCancelable : ICancelable
{
    private readonly Action<object?> _callback;
    private readonly object? _state;
    private readonly Timer _timer;
    private volatile bool _cancelled;

    private TimerCancelable(TimeSpan delay, TimeSpan period, Action<object?> callback, object? state)
    {
        _callback = callback;
        _state = state;
        // Created unstarted and started after construction so the callback never sees a half-built instance.
        _timer = new Timer(static s => ((TimerCancelable)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(Clamp(delay), period);
    }

    public bool IsCancellationRequested => _cancelled;

    public static TimerCancelable Start(TimeSpan delay, Action<object?> callback, object? state)
        => new(delay, Timeout.InfiniteTimeSpan, callback, state);

    public static TimerCancelable StartPeriodic(TimeSpan delay, TimeSpan interval, Action<object?> callback, object? state)
    {
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "A periodic interval must be positive.");
        }

        return new(delay, interval, callback, state);
    }

    public void Cancel()
    {
        _cancelled = true;
        _timer.Dispose();
    }

    private void Fire()
    {
        if (!_cancelled)
        {
            _callback(_state);
        }
    }

    private static TimeSpan Clamp(TimeSpan delay) => delay < TimeSpan.Zero ? TimeSpan.Zero : delay;
}
