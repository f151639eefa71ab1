namespace ClusterLb.Hocon;

/// <summary>An array value.</summary>
public sealed class HoconArray : HoconValue
{
    /// <summary>Creates an array over <paramref name="items"/> (the list is owned by the array).</summary>
    public HoconArray(IReadOnlyList<HoconValue> items, HoconOrigin origin = default) : base(origin) => Items = items;

    /// <summary>The elements in order.</summary>
    public IReadOnlyList<HoconValue> Items { get; }

    /// <inheritdoc />
    public override HoconValueKind Kind => HoconValueKind.Array;
}
