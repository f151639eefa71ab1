namespace ClusterLb.Remote.Associations;

/// <summary>Exponential reconnect delay: min, 2·min, 4·min … capped at max.</summary>
internal static class ReconnectBackoff
{
    public static TimeSpan Delay(int consecutiveFailures, TimeSpan min, TimeSpan max)
    {
        if (consecutiveFailures <= 1)
        {
            return min;
        }

        // Cap the exponent so the shift cannot overflow; 2^20 times any sane min is past any sane max.
        var factor = 1L << Math.Min(consecutiveFailures - 1, 20);
        var ticks = min.Ticks > max.Ticks / factor ? max.Ticks : min.Ticks * factor;
        return TimeSpan.FromTicks(Math.Min(ticks, max.Ticks));
    }
}
