using System.Globalization;

namespace ClusterLb.Hocon;

/// <summary>Reads durations the way Lightbend does: a number alone is milliseconds; units are lowercase only.</summary>
internal static class DurationParser
{
    private const long NanosPerTick = 100;

    public static TimeSpan Parse(string text, Func<string, HoconException> error)
    {
        var nanos = ParseNanos(text, error);
        return TimeSpan.FromTicks(nanos / NanosPerTick);
    }

    private static long ParseNanos(string text, Func<string, HoconException> error)
    {
        var (number, unit) = NumberWithUnit.Split(text);
        if (number.Length == 0)
        {
            throw error($"no number in the duration '{text}': expected a number followed by a unit, such as 10ms, 5 s or 2 minutes");
        }
        long nanosPerUnit = unit switch
        {
            "" or "ms" or "milli" or "millis" or "millisecond" or "milliseconds" => 1_000_000,
            "ns" or "nano" or "nanos" or "nanosecond" or "nanoseconds" => 1,
            "us" or "micro" or "micros" or "microsecond" or "microseconds" => 1_000,
            "s" or "second" or "seconds" => 1_000_000_000,
            "m" or "minute" or "minutes" => 60_000_000_000,
            "h" or "hour" or "hours" => 3_600_000_000_000,
            "d" or "day" or "days" => 86_400_000_000_000,
            _ => throw error($"unknown duration unit '{unit}' in '{text}': expected ns, us, ms, s, m, h or d (or their long forms such as seconds; units are lowercase)"),
        };
        try
        {
            if (long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
            {
                return checked(whole * nanosPerUnit);
            }
            if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var fractional) && double.IsFinite(fractional))
            {
                var value = fractional * nanosPerUnit;
                if (Math.Abs(value) >= long.MaxValue)
                {
                    throw new OverflowException();
                }
                return (long)value;
            }
        }
        catch (OverflowException)
        {
            throw error($"the duration '{text}' is too large");
        }
        throw error($"'{number}' in the duration '{text}' is not a number");
    }
}
