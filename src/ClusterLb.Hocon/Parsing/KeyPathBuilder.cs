using System.Text;

namespace ClusterLb.Hocon.Parsing;

/// <summary>Turns the tokens of a key or substitution into a path: unquoted dots split, quoted dots do not.</summary>
internal static class KeyPathBuilder
{
    public static HoconPath Build(IReadOnlyList<HoconToken> tokens, int first, int last, HoconOrigin origin)
    {
        var elements = new List<string>();
        var current = new StringBuilder();
        var hasContent = false;
        for (var i = first; i <= last; i++)
        {
            var t = tokens[i];
            switch (t.Kind)
            {
                case HoconTokenKind.QuotedString:
                    current.Append(t.Text);
                    hasContent = true;
                    break;
                case HoconTokenKind.Whitespace:
                    current.Append(t.Text);
                    break;
                case HoconTokenKind.UnquotedText:
                case HoconTokenKind.Number:
                case HoconTokenKind.True:
                case HoconTokenKind.False:
                case HoconTokenKind.Null:
                    var text = t.Text;
                    var start = 0;
                    while (true)
                    {
                        var dot = text.IndexOf('.', start);
                        var piece = dot < 0 ? text.AsSpan(start) : text.AsSpan(start, dot - start);
                        current.Append(piece);
                        if (piece.Length > 0)
                        {
                            hasContent = true;
                        }
                        if (dot < 0)
                        {
                            break;
                        }
                        if (!hasContent)
                        {
                            throw new HoconException(t.Origin, "empty key in a path (a leading, trailing or doubled '.'): quote an empty key as \"\"");
                        }
                        elements.Add(current.ToString());
                        current.Clear();
                        hasContent = false;
                        start = dot + 1;
                    }
                    break;
                default:
                    throw new HoconException(t.Origin, $"{t.Describe()} is not allowed in a key: expected a key such as a.b.c");
            }
        }
        if (!hasContent)
        {
            throw new HoconException(origin, elements.Count == 0
                ? "expected a key"
                : "empty key in a path (a leading, trailing or doubled '.'): quote an empty key as \"\"");
        }
        elements.Add(current.ToString());
        return new HoconPath(elements);
    }
}
