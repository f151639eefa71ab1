namespace ClusterLb.Cluster.FailureDetection;

/// <summary>
/// The phi accrual failure detector (Hayashibara et al.), with Akka's approximation of the normal CDF. Instead of
/// a yes/no timeout it reports phi, the suspicion level, which grows with the time since the last heartbeat
/// relative to the observed distribution of intervals. Time comes from the injected <see cref="TimeProvider"/>.
/// Safe for one writer and many readers: state is immutable and swapped atomically.
/// </summary>
public sealed class PhiAccrualFailureDetector : IFailureDetector
{
    private readonly TimeProvider _time;
    private readonly double _threshold;
    private readonly double _minStdDeviationMs;
    private readonly double _acceptablePauseMs;
    private readonly HeartbeatHistory _firstHistory;
    private State _state;

    private sealed record State(HeartbeatHistory History, double? LastTimestampMs);

    /// <summary>Creates a detector from settings.</summary>
    public PhiAccrualFailureDetector(FailureDetectorSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _threshold = settings.Threshold;
        _minStdDeviationMs = settings.MinStdDeviation.TotalMilliseconds;
        _acceptablePauseMs = settings.AcceptableHeartbeatPause.TotalMilliseconds;
        // Seed with two samples around the estimate so the first real interval is judged against something sane.
        var mean = settings.FirstHeartbeatEstimate.TotalMilliseconds;
        var sd = mean / 4;
        _firstHistory = HeartbeatHistory.Create(settings.MaxSampleSize).Add(mean - sd).Add(mean + sd);
        _state = new State(_firstHistory, null);
    }

    /// <inheritdoc />
    public bool IsAvailable => Phi() < _threshold;

    /// <inheritdoc />
    public bool IsMonitoring => Volatile.Read(ref _state).LastTimestampMs is not null;

    /// <summary>Current suspicion level; 0 before the first heartbeat.</summary>
    public double Phi() => Phi(NowMs());

    /// <inheritdoc />
    public void Heartbeat()
    {
        while (true)
        {
            var now = NowMs();
            var old = Volatile.Read(ref _state);
            HeartbeatHistory history;
            if (old.LastTimestampMs is not { } last)
                history = _firstHistory;
            else if (PhiAt(old, now) < _threshold)
                history = old.History.Add(now - last);
            else
                history = old.History; // the gap was an outage, not a sample of normal timing
            if (Interlocked.CompareExchange(ref _state, new State(history, now), old) == old) return;
        }
    }

    private double Phi(double nowMs) => PhiAt(Volatile.Read(ref _state), nowMs);

    private double PhiAt(State state, double nowMs)
    {
        if (state.LastTimestampMs is not { } last) return 0.0;
        var history = state.History;
        var mean = history.Mean + _acceptablePauseMs;
        var sd = Math.Max(history.StdDeviation, _minStdDeviationMs);
        return Phi(nowMs - last, mean, sd);
    }

    /// <summary>Phi for a time since the last heartbeat, given the (pause-adjusted) mean and deviation.</summary>
    public static double Phi(double timeDiffMs, double meanMs, double stdDeviationMs)
    {
        var y = (timeDiffMs - meanMs) / stdDeviationMs;
        var e = Math.Exp(-y * (1.5976 + 0.070566 * y * y));
        return timeDiffMs > meanMs ? -Math.Log10(e / (1.0 + e)) : -Math.Log10(1.0 - 1.0 / (1.0 + e));
    }

    private double NowMs() => _time.GetTimestamp() * 1000.0 / _time.TimestampFrequency;
}
