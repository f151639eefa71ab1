namespace ClusterLb.Hocon;

/// <summary>A string value.</summary>
public sealed class HoconString : HoconValue
{
    /// <summary>Creates a string.</summary>
    public HoconString(string value, HoconOrigin origin = default, bool quoted = true) : base(origin)
    {
        Value = value;
        Quoted = quoted;
    }

    /// <summary>The text.</summary>
    public string Value { get; }

    /// <summary>False for unquoted text in the source; unquoted whitespace between objects or arrays is ignored in concatenations.</summary>
    internal bool Quoted { get; }

    internal bool IsIgnorableWhitespace => !Quoted && string.IsNullOrWhiteSpace(Value);

    /// <inheritdoc />
    public override HoconValueKind Kind => HoconValueKind.String;

    internal override string AsConcatText => Value;

    /// <inheritdoc />
    public override string ToString() => Value;
}
