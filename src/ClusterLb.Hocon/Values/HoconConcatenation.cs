namespace ClusterLb.Hocon;

/// <summary>Values written next to each other on one line that still hold a substitution; joined at resolve time.</summary>
internal sealed class HoconConcatenation : HoconValue
{
    public HoconConcatenation(IReadOnlyList<HoconValue> pieces, HoconOrigin origin, HoconPath? appendsTo = null) : base(origin)
    {
        Pieces = pieces;
        AppendsTo = appendsTo;
    }

    /// <summary>Set when the concatenation was written as <c>key += value</c>, for a clearer error message.</summary>
    public HoconPath? AppendsTo { get; }

    /// <summary>The pieces in order, including unquoted whitespace between them.</summary>
    public IReadOnlyList<HoconValue> Pieces { get; }

    public override HoconValueKind Kind => HoconValueKind.Unresolved;
}
