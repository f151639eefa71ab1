namespace ClusterLb.Balancing.Routing;

/// <summary>
/// Caps a service's retries at a share of its recent requests plus a small allowance per second (Finagle's and
/// Linkerd's retry budget): a brief failure, such as a host dying under load, is retried in full, while during a
/// lasting outage retries add at most that share to the load on the hosts left. Counts live in one-second
/// buckets over a <see cref="WindowSeconds"/> window; lock-free, one interlocked add per request.
/// </summary>
/// <remarks>Buckets are reset by whichever thread first sees a new second, so a count racing a reset may be lost; a budget tolerates that.</remarks>
public sealed class RetryBudget
{
    /// <summary>Seconds of history the budget counts.</summary>
    public const int WindowSeconds = 10;

    private readonly int _percent;
    private readonly int _minPerSecond;
    private readonly long[] _seconds = new long[WindowSeconds];
    private readonly long[] _requests = new long[WindowSeconds];
    private readonly long[] _retries = new long[WindowSeconds];
    private long _refused;

    /// <param name="percent">Retries may be this percentage of the requests in the window.</param>
    /// <param name="minPerSecond">Retries allowed per second on top, so that a quiet service can still retry.</param>
    public RetryBudget(int percent, int minPerSecond)
    {
        _percent = percent;
        _minPerSecond = minPerSecond;
        Array.Fill(_seconds, long.MinValue);
    }

    /// <summary>Retries refused because the budget was spent.</summary>
    public long Refused => Volatile.Read(ref _refused);

    /// <summary>Counts a request's first attempt.</summary>
    public void Deposit() => Deposit(Environment.TickCount64);

    /// <summary>Counts a request's first attempt at <paramref name="nowMilliseconds"/> (a monotonic clock).</summary>
    public void Deposit(long nowMilliseconds) => Interlocked.Increment(ref _requests[Bucket(nowMilliseconds / 1000)]);

    /// <summary>Takes one retry from the budget; false (and counted as refused) when it is spent.</summary>
    public bool TryWithdraw() => TryWithdraw(Environment.TickCount64);

    /// <summary>Takes one retry from the budget at <paramref name="nowMilliseconds"/> (a monotonic clock).</summary>
    public bool TryWithdraw(long nowMilliseconds)
    {
        var second = nowMilliseconds / 1000;
        var current = Bucket(second);
        long requests = 0, retries = 0;
        for (var i = 0; i < WindowSeconds; i++)
        {
            if (Volatile.Read(ref _seconds[i]) > second - WindowSeconds)
            {
                requests += Volatile.Read(ref _requests[i]);
                retries += Volatile.Read(ref _retries[i]);
            }
        }
        var allowed = (long)_minPerSecond * WindowSeconds + requests * _percent / 100;
        if (retries >= allowed)
        {
            Interlocked.Increment(ref _refused);
            return false;
        }
        Interlocked.Increment(ref _retries[current]);
        return true;
    }

    private int Bucket(long second)
    {
        var index = (int)(second % WindowSeconds);
        var seen = Volatile.Read(ref _seconds[index]);
        if (seen != second && Interlocked.CompareExchange(ref _seconds[index], second, seen) == seen)
        {
            Volatile.Write(ref _requests[index], 0);
            Volatile.Write(ref _retries[index], 0);
        }
        return index;
    }
}
