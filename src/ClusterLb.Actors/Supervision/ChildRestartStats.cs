namespace ClusterLb.Actors;

/// <summary>Restarts of one child within the strategy's time window.</summary>
internal sealed class ChildRestartStats
{
    private int _restarts;
    private long _windowStartMs;

    /// <summary>Records a restart; false when the child exceeded <paramref name="maxNrOfRetries"/> in the window.</summary>
    public bool RequestRestartPermission(int maxNrOfRetries, TimeSpan withinTimeRange)
        => RequestRestartPermission(maxNrOfRetries, withinTimeRange, Environment.TickCount64);

    /// <summary>As above with an explicit clock reading in milliseconds (tests drive the window with it).</summary>
    internal bool RequestRestartPermission(int maxNrOfRetries, TimeSpan withinTimeRange, long nowMs)
    {
        if (maxNrOfRetries < 0)
        {
            return true;
        }

        if (maxNrOfRetries == 0)
        {
            return false;
        }

        if (withinTimeRange <= TimeSpan.Zero || withinTimeRange == Timeout.InfiniteTimeSpan)
        {
            return ++_restarts <= maxNrOfRetries;
        }

        var now = nowMs;
        if (_restarts == 0 || now - _windowStartMs > (long)withinTimeRange.TotalMilliseconds)
        {
            _windowStartMs = now;
            _restarts = 1;
            return true;
        }

        return ++_restarts <= maxNrOfRetries;
    }
}
