namespace ClusterLb.Balancing.Routing;

/// <summary>
/// Per-host counters shared by the request threads and the actors. Only atomics: the request path must not
/// take a lock or allocate to keep them.
/// </summary>
public sealed class HostCounters
{
    /// <summary>Time constant τ of the peak-EWMA latency estimate (Finagle's and Linkerd's default decay).</summary>
    public static readonly TimeSpan PeakEwmaDecay = TimeSpan.FromSeconds(10);

    // τ in milliseconds, inverted once so the request path multiplies instead of dividing.
    private static readonly double InversePeakEwmaDecayMs = 1.0 / PeakEwmaDecay.TotalMilliseconds;

    private int _inFlight;
    private long _picks;
    private long _latencyEwmaBits;
    private int _passiveFailurePending;
    private int _tracksPeakEwma;
    private long _peakEwmaBits;
    private long _peakEwmaStamp;
    private int _remoteInFlight;
    private int _clusterNodes;
    private long _clusterRateBits;

    /// <summary>Requests forwarded to the host and not yet completed.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>How many times the balancer chose the host.</summary>
    public long Picks => Volatile.Read(ref _picks);

    /// <summary>
    /// Requests the other LB nodes have in flight to this host, as their latest cluster-load reports gave them (zero
    /// without <c>clusterlb.cluster-load</c> or other nodes). One volatile read, for <c>load-scope = cluster</c>.
    /// </summary>
    public int RemoteInFlight => Volatile.Read(ref _remoteInFlight);

    /// <summary>Requests in flight to this host from every LB node: <see cref="InFlight"/> (live) plus <see cref="RemoteInFlight"/>.</summary>
    public int ClusterInFlight => InFlight + RemoteInFlight;

    /// <summary>LB nodes, this one included, whose fresh reports name this host; zero until the first cluster-load round.</summary>
    public int ClusterNodes => Volatile.Read(ref _clusterNodes);

    /// <summary>Picks per second of this host summed over every reporting LB node (from successive reports).</summary>
    public double ClusterRequestsPerSecond => BitConverter.Int64BitsToDouble(Volatile.Read(ref _clusterRateBits));

    /// <summary>
    /// Stores the cluster-wide view of this host. Only the node's cluster-load actor calls it (single writer); the
    /// three values are separate atomic words, so a reader may pair values of two successive rounds.
    /// </summary>
    public void SetClusterLoad(int remoteInFlight, double requestsPerSecond, int nodes)
    {
        Volatile.Write(ref _remoteInFlight, remoteInFlight);
        Volatile.Write(ref _clusterRateBits, BitConverter.DoubleToInt64Bits(requestsPerSecond));
        Volatile.Write(ref _clusterNodes, nodes);
    }

    /// <summary>Smoothed upstream latency of proxied requests (α = 0.2); zero before the first request.</summary>
    public TimeSpan LatencyEwma => TimeSpan.FromTicks((long)BitConverter.Int64BitsToDouble(Volatile.Read(ref _latencyEwmaBits)));

    /// <summary>True once a latency sample reached the peak-EWMA estimate.</summary>
    public bool HasPeakEwmaSample => Volatile.Read(ref _peakEwmaBits) != 0;

    /// <summary>
    /// The peak-EWMA latency estimate at <paramref name="timestamp"/> (a <see cref="PeakEwmaClock"/> value, in
    /// milliseconds), in <see cref="TimeSpan"/> ticks: the stored estimate decayed toward zero by exp(-Δt/τ) since its
    /// last sample, so that a host nobody sends to any more (because it was slow) is tried again (Finagle's
    /// <c>cost()</c> decays the same way). Zero before the first sample.
    /// </summary>
    /// <remarks>
    /// Estimate and stamp are two separate atomic words: a reader racing a writer may pair a new estimate with
    /// the old stamp, which only shifts the decay by one inter-sample interval.
    /// </remarks>
    public double PeakEwmaAt(long timestamp)
    {
        var estimate = BitConverter.Int64BitsToDouble(Volatile.Read(ref _peakEwmaBits));
        if (estimate == 0)
        {
            return 0;
        }
        return estimate * Decay(timestamp - Volatile.Read(ref _peakEwmaStamp));
    }

    /// <summary>
    /// The clock of the peak-EWMA estimate, in milliseconds: <see cref="Environment.TickCount64"/>. Its resolution
    /// (1 to 16 ms) is ample for τ = 10 s, and it costs a third of <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>
    /// (about 15 ns against 45 to 55 ns measured on the 2-core build machine), which the request path pays on
    /// every pick and every completion of a <c>peak-ewma</c> pool.
    /// </summary>
    public static long PeakEwmaClock() => Environment.TickCount64;

    /// <summary>exp(-elapsed / τ); a cubic for the usual sub-τ/32 steps (relative error below 5e-8), else Math.Exp.</summary>
    internal static double Decay(long elapsedMs)
    {
        if (elapsedMs <= 0)
        {
            return 1;
        }
        var x = elapsedMs * InversePeakEwmaDecayMs;
        return x < 1.0 / 32 ? 1 - (x * (1 - (x * (0.5 - (x / 6))))) : Math.Exp(-x);
    }

    internal void OnPicked()
    {
        Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref _picks);
    }

    /// <summary>
    /// Ends a request. Takes a timestamp for the peak-EWMA estimate only when a <c>peak-ewma</c> policy asked
    /// for it (<see cref="TrackPeakEwma"/>), so the other methods don't pay for the clock read.
    /// </summary>
    internal void OnCompleted(TimeSpan latency)
    {
        if (Volatile.Read(ref _tracksPeakEwma) != 0)
        {
            OnCompleted(latency, PeakEwmaClock());
            return;
        }
        EndRequest(latency);
    }

    /// <summary>Ends a request that completed at <paramref name="timestamp"/> (<see cref="PeakEwmaClock"/>, milliseconds).</summary>
    internal void OnCompleted(TimeSpan latency, long timestamp)
    {
        EndRequest(latency);
        ObservePeakEwma(latency, timestamp);
    }

    /// <summary>Makes <see cref="OnCompleted(TimeSpan)"/> feed the peak-EWMA estimate from now on.</summary>
    internal void TrackPeakEwma()
    {
        if (Volatile.Read(ref _tracksPeakEwma) == 0)
        {
            Volatile.Write(ref _tracksPeakEwma, 1);
        }
    }

    /// <summary>Remembers that a passive failure was reported, so the next success is worth reporting.</summary>
    internal void MarkPassiveFailurePending() => Volatile.Write(ref _passiveFailurePending, 1);

    /// <summary>True once after a passive failure: the caller reports the success that clears it.</summary>
    internal bool TryClearPassiveFailurePending() =>
        Volatile.Read(ref _passiveFailurePending) != 0 && Interlocked.Exchange(ref _passiveFailurePending, 0) != 0;

    private void EndRequest(TimeSpan latency)
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

    // Finagle's PeakEwma: between samples the estimate decays toward zero (what PeakEwmaAt shows the picks, and
    // what Finagle's cost() applies); a sample above that decayed value replaces it at once (the peak), a lower one
    // is blended in with weight 1 - exp(-Δt/τ), so the estimate falls only as fast as time passes. Steady
    // latency x keeps the estimate at x (the decayed value never exceeds x, so x is a peak); after a drop from
    // x to y the estimate falls toward y and snaps to y once the decay has brought it below. Like the plain EWMA
    // above, a concurrent update may be lost or pair with another's stamp; an estimate tolerates that, and a
    // compare-exchange loop over two words would cost a lock's worth on every request.
    private void ObservePeakEwma(TimeSpan latency, long timestamp)
    {
        // Never store exactly zero: zero means "no sample yet".
        double sample = Math.Max(latency.Ticks, 1);
        var old = BitConverter.Int64BitsToDouble(Volatile.Read(ref _peakEwmaBits));
        var keep = Decay(timestamp - Volatile.Read(ref _peakEwmaStamp));
        var decayed = old * keep;
        var next = sample >= decayed ? sample : (decayed * keep) + (sample * (1 - keep));
        Volatile.Write(ref _peakEwmaBits, BitConverter.DoubleToInt64Bits(next));
        Volatile.Write(ref _peakEwmaStamp, timestamp);
    }
}
