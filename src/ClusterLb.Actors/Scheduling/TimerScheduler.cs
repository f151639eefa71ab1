namespace ClusterLb.Actors;

/// <summary>
/// An actor's keyed timers. Each start gets a new generation; a fired message is delivered only if its key still
/// maps to that generation, which is what makes cancel and replace exact even when a tick is already queued.
/// </summary>
internal sealed class TimerScheduler(ActorCell cell) : ITimerScheduler
{
    private readonly Dictionary<object, Entry> _timers = [];
    private int _generation;

    public void StartSingleTimer(object key, object message, TimeSpan delay) => Start(key, message, delay, null);

    public void StartPeriodicTimer(object key, object message, TimeSpan interval) => Start(key, message, interval, interval);

    public void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval) => Start(key, message, initialDelay, interval);

    public bool IsTimerActive(object key) => _timers.ContainsKey(key);

    public void Cancel(object key)
    {
        if (_timers.Remove(key, out var entry))
        {
            entry.Cancel();
        }
    }

    public void CancelAll()
    {
        foreach (var entry in _timers.Values)
        {
            entry.Cancel();
        }

        _timers.Clear();
    }

    /// <summary>True if the tick belongs to a live timer; a single timer is then done.</summary>
    internal bool Accept(Fired fired)
    {
        if (!_timers.TryGetValue(fired.Key, out var entry) || entry.Generation != fired.Generation)
        {
            return false;
        }

        if (entry.Interval is null)
        {
            _timers.Remove(fired.Key);
        }

        return true;
    }

    private void Start(object key, object message, TimeSpan delay, TimeSpan? interval)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);
        if (interval is { } i && i <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "A periodic timer interval must be positive.");
        }

        Cancel(key);
        var entry = new Entry(cell, new Fired(key, ++_generation, message), interval);
        _timers[key] = entry;
        entry.Schedule(delay);
    }

    /// <summary>The self-message a timer sends; unwrapped by the cell before the actor sees it.</summary>
    internal sealed record Fired(object Key, int Generation, object Message);

    private sealed class Entry(ActorCell cell, Fired fired, TimeSpan? interval)
    {
        private ICancelable? _handle;
        private long _nextDueMs;
        private volatile bool _cancelled;

        public int Generation => fired.Generation;

        public TimeSpan? Interval => interval;

        public void Schedule(TimeSpan delay)
        {
            _nextDueMs = Environment.TickCount64 + (long)delay.TotalMilliseconds;
            _handle = cell.Dispatcher.ScheduleOnce(delay, static s => ((Entry)s!).Tick(), this);
        }

        public void Cancel()
        {
            _cancelled = true;
            _handle?.Cancel();
        }

        private void Tick()
        {
            if (_cancelled)
            {
                return;
            }

            cell.SelfRef.Tell(fired);
            if (interval is { } period && !_cancelled)
            {
                // Fixed rate: aim at the next slot rather than "now + interval" so ticks don't drift.
                _nextDueMs += (long)period.TotalMilliseconds;
                var delay = TimeSpan.FromMilliseconds(Math.Max(0, _nextDueMs - Environment.TickCount64));
                _handle = cell.Dispatcher.ScheduleOnce(delay, static s => ((Entry)s!).Tick(), this);
            }
        }
    }
}
