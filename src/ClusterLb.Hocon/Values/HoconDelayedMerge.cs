namespace ClusterLb.Hocon;

/// <summary>
/// Several definitions of one key that cannot be merged until substitutions are resolved.
/// The stack runs from the newest definition (index 0) to the oldest.
/// </summary>
internal sealed class HoconDelayedMerge : HoconValue
{
    public HoconDelayedMerge(IReadOnlyList<HoconValue> stack) : base(stack[0].Origin) => Stack = stack;

    public IReadOnlyList<HoconValue> Stack { get; }

    public override HoconValueKind Kind => HoconValueKind.Unresolved;
}
