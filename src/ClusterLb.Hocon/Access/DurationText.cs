namespace ClusterLb.Hocon;

/// <summary>Durations written as HOCON writes them (<c>30s</c>, <c>250ms</c>, <c>3h</c>), for JSON APIs that share HOCON's notation.</summary>
public static class DurationText
{
    /// <summary>Parses a HOCON duration; a bare number is milliseconds.</summary>
    /// <exception cref="FormatException">Not a duration.</exception>
    public static TimeSpan Parse(string text)
    {
        try
        {
            return DurationParser.Parse(text.Trim(), what => new HoconException(what));
        }
        catch (HoconException ex)
        {
            throw new FormatException(ex.Reason, ex);
        }
    }

    /// <summary>The shortest exact form: whole hours, minutes or seconds when it is one, else milliseconds.</summary>
    public static string Format(TimeSpan value) =>
        value.Ticks % TimeSpan.TicksPerHour == 0 && value != TimeSpan.Zero ? $"{value.Ticks / TimeSpan.TicksPerHour}h"
        : value.Ticks % TimeSpan.TicksPerMinute == 0 && value != TimeSpan.Zero ? $"{value.Ticks / TimeSpan.TicksPerMinute}m"
        : value.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{value.Ticks / TimeSpan.TicksPerSecond}s"
        : $"{value.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}ms";
}
