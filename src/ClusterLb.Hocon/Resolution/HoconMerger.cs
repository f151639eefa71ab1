namespace ClusterLb.Hocon;

/// <summary>
/// Merges a newer definition of a key over an older one: objects merge recursively, anything else replaces,
/// and anything still holding a substitution is kept as a <see cref="HoconDelayedMerge"/> for the resolver.
/// </summary>
internal static class HoconMerger
{
    /// <param name="newer">The later definition (it wins).</param>
    /// <param name="older">The earlier definition.</param>
    /// <param name="inPlace">True only while parsing, when the older object belongs to the tree being built.</param>
    public static HoconValue Merge(HoconValue newer, HoconValue older, bool inPlace)
    {
        if (newer is HoconObject newObject)
        {
            if (older is HoconObject oldObject)
            {
                return MergeObjects(newObject, oldObject, inPlace);
            }
            return older.Kind == HoconValueKind.Unresolved ? Stack(newer, older) : newer;
        }
        return newer.Kind == HoconValueKind.Unresolved ? Stack(newer, older) : newer;
    }

    public static HoconObject MergeObjects(HoconObject newer, HoconObject older, bool inPlace)
    {
        StackGuard.Ensure(newer.Origin, "merge");
        var target = inPlace ? older : older.Copy();
        foreach (var (key, value) in newer.Fields)
        {
            target.Set(key, target.TryGetValue(key, out var existing) ? Merge(value, existing, inPlace) : value);
        }
        return target;
    }

    private static HoconDelayedMerge Stack(HoconValue newer, HoconValue older)
    {
        var stack = new List<HoconValue>();
        AddFlattened(stack, newer);
        AddFlattened(stack, older);
        return new HoconDelayedMerge(stack);
    }

    private static void AddFlattened(List<HoconValue> stack, HoconValue value)
    {
        if (value is HoconDelayedMerge merge)
        {
            stack.AddRange(merge.Stack);
        }
        else
        {
            stack.Add(value);
        }
    }
}
