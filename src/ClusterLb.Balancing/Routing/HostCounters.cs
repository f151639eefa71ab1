namespace ClusterLb.Balancing.Routing;

/// <summary>
/// Per-host counters shared by the request threads and the actors. Only atomics: the request path must not
/// take a lock or allocate to keep them.
/// </summary>
public sealed class HostCounters
{
    private int _inFlight;
    private long _picks;
    private long _latencyEwmaBits;
    private int _passiveFailurePending;

    /// <summary>Requests forwarded to the host and not yet completed.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>How many times the balancer chose the host.</summary>
    public long Picks => Volatile.Read(ref _picks);

    /// <summary>Smoothed upstream latency of proxied requests (α = 0.2); zero before the first request.</summary>
    public TimeSpan LatencyEwma => TimeSpan.FromTicks((long)BitConverter.Int64BitsToDouble(Volatile.Read(ref _latencyEwmaBits)));

    internal void OnPicked()
    {
        Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref _picks);
    }

    internal void OnCompleted(TimeSpan latency)
    {
        Interlocked.Decrement(ref _inFlight);
        // A plain read-modify-write: under contention an update may be lost, which an average shrugs off, and
        // it saves a compare-exchange loop on every request.
        const double Alpha = 0.2;
        double sample = latency.Ticks;
        var old = BitConverter.Int64BitsToDouble(Volatile.Read(ref _latencyEwmaBits));
        var next = old == 0 ? sample : old + (Alpha * (sample - old));
        Volatile.Write(ref _latencyEwmaBits, BitConverter.DoubleToInt64Bits(next));
    }

    /// <summary>Remembers that a passive failure was reported, so the next success is worth reporting.</summary>
    internal void MarkPassiveFailurePending() => Volatile.Write(ref _passiveFailurePending, 1);

    /// <summary>True once after a passive failure: the caller reports the success that clears it.</summary>
    internal bool TryClearPassiveFailurePending() =>
        Volatile.Read(ref _passiveFailurePending) != 0 && Interlocked.Exchange(ref _passiveFailurePending, 0) != 0;
}
