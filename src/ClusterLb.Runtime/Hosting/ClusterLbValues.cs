using System.Globalization;
using ClusterLb.Hocon;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// Reads ClusterLb keys and writes them in the form Akka parses without surprises: durations as whole
/// milliseconds, sizes as bytes, and <c>off</c> kept as <c>off</c>. Reading through ClusterLb's typed getters first
/// means a bad value fails with our FILE:LINE:COL message instead of Akka's positionless one.
/// </summary>
internal static class ClusterLbValues
{
    /// <summary>A duration at <paramref name="path"/> as <c>Nms</c>.</summary>
    public static string Duration(Config c, string path) => Millis(c.GetDuration(path));

    /// <summary>A duration or <c>off</c> (also <c>false</c>/<c>no</c>), for Akka keys that accept off.</summary>
    public static string DurationOrOff(Config c, string path) => IsOff(c, path) ? "off" : Duration(c, path);

    /// <summary>Whether the value at <paramref name="path"/> is the word off (or a false boolean).</summary>
    public static bool IsOff(Config c, string path) =>
        c.GetValue(path) is HoconBoolean { Value: false } ||
        c.GetValue(path) is HoconString s && s.Value.Trim().ToLowerInvariant() is "off" or "false" or "no";

    /// <summary>A size at <paramref name="path"/> as <c>Nb</c>.</summary>
    public static string Bytes(Config c, string path) => c.GetBytes(path).ToString(CultureInfo.InvariantCulture) + "b";

    /// <summary>A duration in whole seconds when it is one, else whole milliseconds: units every Akka duration key accepts.</summary>
    public static string Millis(TimeSpan value)
    {
        var ms = (long)Math.Round(value.TotalMilliseconds);
        return ms != 0 && ms % 1000 == 0
            ? (ms / 1000).ToString(CultureInfo.InvariantCulture) + "s"
            : ms.ToString(CultureInfo.InvariantCulture) + "ms";
    }

    /// <summary>Where the value at <paramref name="path"/> was defined, for error messages.</summary>
    public static HoconOrigin OriginOf(Config c, string path) => c.GetValue(path)?.Origin ?? HoconOrigin.None;

    /// <summary>A configuration error positioned at the value of <paramref name="fullPath"/>.</summary>
    public static HoconException Error(Config root, string fullPath, string message) => new(OriginOf(root, fullPath), $"{fullPath}: {message}");
}
