namespace ClusterLb.Balancing.Routing;

/// <summary>
/// Caps the retries a service has in progress at a share of its active requests (Envoy's retry budget), so that
/// during an outage retries cannot multiply the load on the hosts that are left. Lock-free; only retries touch it.
/// </summary>
/// <param name="percent">Retries in progress may be at most this percentage of the active requests.</param>
/// <param name="minConcurrency">Retries always allowed at once, so a quiet service can still retry.</param>
public sealed class RetryBudget(int percent, int minConcurrency)
{
    private int _retrying;
    private long _refused;

    /// <summary>Retries in progress.</summary>
    public int Retrying => Volatile.Read(ref _retrying);

    /// <summary>Retries refused because the budget was spent.</summary>
    public long Refused => Volatile.Read(ref _refused);

    /// <summary>Starts a retry when the budget allows one; every true must be followed by <see cref="End"/>.</summary>
    /// <param name="activeRequests">The service's requests in flight now.</param>
    public bool TryBegin(int activeRequests)
    {
        var limit = Math.Max(minConcurrency, (int)((long)activeRequests * percent / 100));
        while (true)
        {
            var current = Volatile.Read(ref _retrying);
            if (current >= limit)
            {
                Interlocked.Increment(ref _refused);
                return false;
            }
            if (Interlocked.CompareExchange(ref _retrying, current + 1, current) == current)
            {
                return true;
            }
        }
    }

    /// <summary>Ends a retry started by <see cref="TryBegin"/>.</summary>
    public void End() => Interlocked.Decrement(ref _retrying);
}
