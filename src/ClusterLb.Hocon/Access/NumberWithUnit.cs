namespace ClusterLb.Hocon;

/// <summary>Splits a duration or size such as <c>10ms</c>, <c>5 s</c> or <c>128 KiB</c> into its number and its unit.</summary>
internal static class NumberWithUnit
{
    /// <summary>The unit is the trailing run of letters; the number is what precedes it, trimmed (possibly empty).</summary>
    public static (string Number, string Unit) Split(string text)
    {
        var s = text.Trim();
        var unitStart = s.Length;
        while (unitStart > 0 && char.IsLetter(s[unitStart - 1]))
        {
            unitStart--;
        }
        return (s[..unitStart].Trim(), s[unitStart..]);
    }
}
