namespace ClusterLb.Hocon;

/// <summary>
/// Joins the pieces of a value concatenation: strings join as text, arrays append, objects merge, and unquoted
/// whitespace next to an array or object is ignored. Pieces still holding substitutions are left for later.
/// </summary>
internal static class Concatenator
{
    /// <summary>Joins what can be joined now; returns a single value when everything joined.</summary>
    public static HoconValue Create(List<HoconValue> pieces, HoconOrigin origin)
    {
        var joined = Join(pieces);
        return joined.Count == 1 ? joined[0] : new HoconConcatenation(joined, origin);
    }

    public static List<HoconValue> Join(IReadOnlyList<HoconValue> pieces)
    {
        var result = new List<HoconValue>(pieces.Count);
        foreach (var piece in pieces)
        {
            if (result.Count == 0)
            {
                result.Add(piece);
                continue;
            }
            var joined = TryJoin(result[^1], piece);
            if (joined is null)
            {
                result.Add(piece);
            }
            else
            {
                result[^1] = joined;
            }
        }
        return result;
    }

    private static HoconValue? TryJoin(HoconValue left, HoconValue right)
    {
        if (left is HoconObject lo && right is HoconObject ro)
        {
            return HoconMerger.MergeObjects(ro, lo, inPlace: false);
        }
        if (left is HoconArray la && right is HoconArray ra)
        {
            var items = new List<HoconValue>(la.Items.Count + ra.Items.Count);
            items.AddRange(la.Items);
            items.AddRange(ra.Items);
            return new HoconArray(items, la.Origin);
        }
        if (left is HoconObject or HoconArray && right is HoconString { IsIgnorableWhitespace: true })
        {
            return left;
        }
        if (left is HoconString { IsIgnorableWhitespace: true } && right is HoconObject or HoconArray)
        {
            return right;
        }
        if (left.Kind == HoconValueKind.Unresolved || right.Kind == HoconValueKind.Unresolved)
        {
            return null;
        }
        var s1 = left.AsConcatText;
        var s2 = right.AsConcatText;
        if (s1 is null || s2 is null)
        {
            var (odd, other) = s1 is null ? (left, right) : (right, left);
            throw new HoconException(right.Origin,
                $"cannot concatenate {odd.Describe()} with {other.Describe()}: a concatenation must be all strings, all arrays or all objects");
        }
        var quoted = !(left is HoconString { Quoted: false } && right is HoconString { Quoted: false });
        return new HoconString(s1 + s2, left.Origin, quoted);
    }
}
