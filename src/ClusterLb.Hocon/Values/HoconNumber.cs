using System.Globalization;

namespace ClusterLb.Hocon;

/// <summary>A number; keeps its spelling from the source because concatenations and keys use the text.</summary>
public sealed class HoconNumber : HoconValue
{
    /// <summary>Creates a number from its source text and value.</summary>
    public HoconNumber(string text, double value, long? integer, HoconOrigin origin = default) : base(origin)
    {
        Text = text;
        Value = value;
        Integer = integer;
    }

    /// <summary>The number as written.</summary>
    public string Text { get; }

    /// <summary>The value as a double.</summary>
    public double Value { get; }

    /// <summary>The value when it was written as an integer that fits a long.</summary>
    public long? Integer { get; }

    /// <inheritdoc />
    public override HoconValueKind Kind => HoconValueKind.Number;

    internal override string AsConcatText => Text;

    /// <summary>Parses JSON-style number text; null when the text is not a number.</summary>
    internal static HoconNumber? TryParse(string text, HoconOrigin origin)
    {
        var isFloat = text.AsSpan().IndexOfAny(".eE") >= 0;
        if (!isFloat)
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                return new HoconNumber(text, l, l, origin);
            }
            return null;
        }
        // Java's Double.parseDouble accepts "1." and "-.5"; .NET does too with these styles.
        if (double.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                CultureInfo.InvariantCulture, out var d) && !text.EndsWith('e') && !text.EndsWith('E'))
        {
            return new HoconNumber(text, d, null, origin);
        }
        return null;
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
