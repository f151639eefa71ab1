namespace ClusterLb.Hocon;

/// <summary>The null value; a key set to null counts as defined (it blocks environment fallback).</summary>
public sealed class HoconNull : HoconValue
{
    /// <summary>Creates null.</summary>
    public HoconNull(HoconOrigin origin = default) : base(origin)
    {
    }

    /// <inheritdoc />
    public override HoconValueKind Kind => HoconValueKind.Null;

    internal override string AsConcatText => "null";

    /// <inheritdoc />
    public override string ToString() => "null";
}
