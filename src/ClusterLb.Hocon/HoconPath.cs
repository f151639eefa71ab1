using System.Text;

namespace ClusterLb.Hocon;

/// <summary>A path of keys such as <c>a.b."c.d"</c>: immutable, compared element by element.</summary>
public sealed class HoconPath : IEquatable<HoconPath>
{
    private readonly string[] _elements;

    /// <summary>Creates a path from its elements.</summary>
    public HoconPath(IEnumerable<string> elements) => _elements = elements.ToArray();

    private HoconPath(string[] elements, bool _) => _elements = elements;

    /// <summary>The empty path (the root).</summary>
    public static HoconPath Root { get; } = new(Array.Empty<string>(), true);

    /// <summary>The keys in order.</summary>
    public IReadOnlyList<string> Elements => _elements;

    /// <summary>Number of keys.</summary>
    public int Length => _elements.Length;

    /// <summary>This path followed by <paramref name="key"/>.</summary>
    public HoconPath Append(string key)
    {
        var next = new string[_elements.Length + 1];
        _elements.CopyTo(next, 0);
        next[^1] = key;
        return new HoconPath(next, true);
    }

    /// <summary>This path followed by <paramref name="other"/>.</summary>
    public HoconPath Append(HoconPath other) =>
        other.Length == 0 ? this : Length == 0 ? other : new HoconPath([.. _elements, .. other._elements], true);

    /// <summary>Whether this path starts with <paramref name="prefix"/>.</summary>
    public bool StartsWith(HoconPath prefix)
    {
        if (prefix.Length > Length)
        {
            return false;
        }
        for (var i = 0; i < prefix.Length; i++)
        {
            if (!string.Equals(_elements[i], prefix._elements[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Parses a path expression (<c>a.b."c.d"</c>); throws <see cref="HoconException"/> when it is malformed.</summary>
    public static HoconPath Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var origin = new HoconOrigin("path '" + expression + "'", 1, 1);
        var tokens = new Parsing.HoconTokenizer(expression, origin.File).ReadAll();
        var first = 0;
        var last = tokens.Count - 2; // the last token is end of file
        while (first <= last && tokens[first].Kind == Parsing.HoconTokenKind.Whitespace)
        {
            first++;
        }
        while (last >= first && tokens[last].Kind == Parsing.HoconTokenKind.Whitespace)
        {
            last--;
        }
        return Parsing.KeyPathBuilder.Build(tokens, first, last, origin);
    }

    /// <summary>Renders the path, quoting keys that need it.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < _elements.Length; i++)
        {
            if (i > 0)
            {
                sb.Append('.');
            }
            AppendKey(sb, _elements[i]);
        }
        return sb.ToString();
    }

    private static void AppendKey(StringBuilder sb, string key)
    {
        var plain = key.Length > 0 && !char.IsAsciiDigit(key[0]) && key[0] != '-';
        foreach (var c in key)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                plain = false;
                break;
            }
        }
        if (plain && key is not ("true" or "false" or "null" or "include"))
        {
            sb.Append(key);
            return;
        }
        JsonText.AppendQuoted(sb, key);
    }

    /// <inheritdoc />
    public bool Equals(HoconPath? other) => other is not null && _elements.AsSpan().SequenceEqual(other._elements);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as HoconPath);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var e in _elements)
        {
            hash.Add(e, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }
}
