namespace ClusterLb.Hocon;

/// <summary>true or false.</summary>
public sealed class HoconBoolean : HoconValue
{
    /// <summary>Creates a boolean.</summary>
    public HoconBoolean(bool value, HoconOrigin origin = default) : base(origin) => Value = value;

    /// <summary>The value.</summary>
    public bool Value { get; }

    /// <inheritdoc />
    public override HoconValueKind Kind => HoconValueKind.Boolean;

    internal override string AsConcatText => Value ? "true" : "false";

    /// <inheritdoc />
    public override string ToString() => AsConcatText;
}
