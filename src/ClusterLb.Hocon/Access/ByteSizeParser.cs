using System.Globalization;
using System.Numerics;

namespace ClusterLb.Hocon;

/// <summary>Reads sizes in bytes with Lightbend's unit table: single letters and Ki/KiB forms are powers of 2, kB/MB are powers of 10.</summary>
internal static class ByteSizeParser
{
    private static readonly Dictionary<string, BigInteger> Units = BuildUnits();

    private static Dictionary<string, BigInteger> BuildUnits()
    {
        var units = new Dictionary<string, BigInteger>(StringComparer.Ordinal)
        {
            [""] = 1, ["B"] = 1, ["b"] = 1, ["byte"] = 1, ["bytes"] = 1,
        };
        string[] decimalPrefixes = ["kilo", "mega", "giga", "tera", "peta", "exa", "zetta", "yotta"];
        string[] binaryPrefixes = ["kibi", "mebi", "gibi", "tebi", "pebi", "exbi", "zebi", "yobi"];
        const string letters = "KMGTPEZY";
        for (var i = 0; i < letters.Length; i++)
        {
            var power10 = BigInteger.Pow(1000, i + 1);
            var power2 = BigInteger.Pow(1024, i + 1);
            var upper = letters[i].ToString();
            var lower = upper.ToLowerInvariant();
            // Lightbend spells the decimal kilo unit "kB" (lowercase k) and the others with capitals ("MB").
            units[i == 0 ? "kB" : upper + "B"] = power10;
            units[decimalPrefixes[i] + "byte"] = power10;
            units[decimalPrefixes[i] + "bytes"] = power10;
            units[upper] = power2;
            units[lower] = power2;
            units[upper + "i"] = power2;
            units[upper + "iB"] = power2;
            units[binaryPrefixes[i] + "byte"] = power2;
            units[binaryPrefixes[i] + "bytes"] = power2;
        }
        return units;
    }

    public static long Parse(string text, Func<string, HoconException> error)
    {
        var (number, unit) = NumberWithUnit.Split(text);
        if (number.Length == 0)
        {
            throw error($"no number in the size '{text}': expected a number followed by a unit, such as 512K, 128 KiB or 10MB");
        }
        if (!Units.TryGetValue(unit, out var factor))
        {
            throw error($"unknown size unit '{unit}' in '{text}': expected B, K/Ki/KiB (1024), kB (1000), M/Mi/MiB, MB, G/Gi/GiB, GB, ... or long forms such as kibibytes");
        }
        BigInteger bytes;
        if (BigInteger.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            bytes = whole * factor;
        }
        else if (decimal.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var fractional))
        {
            try
            {
                bytes = new BigInteger(Math.Round(fractional * (decimal)factor));
            }
            catch (OverflowException)
            {
                throw error($"the size '{text}' is too large for a 64-bit number of bytes");
            }
        }
        else
        {
            throw error($"'{number}' in the size '{text}' is not a number");
        }
        if (bytes > long.MaxValue || bytes < long.MinValue)
        {
            throw error($"the size '{text}' is too large for a 64-bit number of bytes");
        }
        return (long)bytes;
    }
}
