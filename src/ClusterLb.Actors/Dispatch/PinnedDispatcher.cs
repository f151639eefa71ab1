namespace ClusterLb.Actors;

/// <summary>
/// Runs one actor on its own thread, timers included, so thread-pool starvation cannot delay it
/// (the cluster heartbeat depends on this: Akka.NET issue #4432).
/// </summary>
internal sealed class PinnedDispatcher : Dispatcher
{
    private readonly AutoResetEvent _signal = new(false);
    private readonly PriorityQueue<PinnedTimer, long> _timers = new();
    private readonly Lock _timersLock = new();
    private readonly Thread _thread;
    private Mailbox? _mailbox;
    private int _runRequested;
    private volatile bool _detached;

    public PinnedDispatcher(string threadName)
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = threadName };
    }

    public override int Throughput => 1000;

    public override void Execute(Mailbox mailbox)
    {
        if (_mailbox is null)
        {
            _mailbox = mailbox;
            _thread.Start();
        }

        Volatile.Write(ref _runRequested, 1);
        _signal.Set();
    }

    public override ICancelable ScheduleOnce(TimeSpan delay, Action<object?> callback, object? state)
    {
        var timer = new PinnedTimer(callback, state);
        var due = Environment.TickCount64 + (long)Math.Max(0, Math.Ceiling(delay.TotalMilliseconds));
        lock (_timersLock)
        {
            _timers.Enqueue(timer, due);
        }

        _signal.Set();
        return timer;
    }

    public override void Detach(Mailbox mailbox)
    {
        _detached = true;
        _signal.Set();
    }

    private void Loop()
    {
        while (!_detached)
        {
            _signal.WaitOne(NextTimerWait());
            FireDueTimers();
            if (Interlocked.Exchange(ref _runRequested, 0) == 1)
            {
                _mailbox!.Run();
            }
        }

        // The event is deliberately not disposed: a late Set() from another thread must stay harmless.
    }

    private int NextTimerWait()
    {
        lock (_timersLock)
        {
            if (!_timers.TryPeek(out _, out var due))
            {
                return Timeout.Infinite;
            }

            return (int)Math.Clamp(due - Environment.TickCount64, 0, int.MaxValue);
        }
    }

    private void FireDueTimers()
    {
        var now = Environment.TickCount64;
        while (true)
        {
            PinnedTimer timer;
            lock (_timersLock)
            {
                if (!_timers.TryPeek(out timer!, out var due) || due > now)
                {
                    return;
                }

                _timers.Dequeue();
            }

            timer.Fire();
        }
    }

    private sealed class PinnedTimer(Action<object?> callback, object? state) : ICancelable
    {
        private volatile bool _cancelled;

        public bool IsCancellationRequested => _cancelled;

        public void Cancel() => _cancelled = true;

        public void Fire()
        {
            if (!_cancelled)
            {
                callback(state);
            }
        }
    }
}
