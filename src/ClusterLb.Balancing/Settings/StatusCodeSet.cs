namespace ClusterLb.Balancing.Settings;

/// <summary>
/// A set of HTTP status codes written the way operators write them: <c>200</c>, <c>200-399</c>, <c>5xx</c>,
/// or a comma-separated mix (<c>"200-299, 404"</c>). Lookups are a bit test, so the request path can afford one.
/// </summary>
public sealed class StatusCodeSet
{
    private const int Min = 100;
    private const int Max = 599;
    private readonly ulong[] _bits = new ulong[(Max + 1 + 63) / 64];

    private StatusCodeSet(string text) => Text = text;

    /// <summary>The empty set: nothing matches.</summary>
    public static StatusCodeSet None { get; } = new(string.Empty);

    /// <summary>The form the set was parsed from, for status output and logs.</summary>
    public string Text { get; }

    /// <summary>True when no code is in the set.</summary>
    public bool IsEmpty => Array.TrueForAll(_bits, b => b == 0);

    /// <summary>Whether <paramref name="statusCode"/> is in the set.</summary>
    public bool Contains(int statusCode) =>
        (uint)(statusCode - Min) <= Max - Min && (_bits[statusCode >> 6] & (1UL << (statusCode & 63))) != 0;

    /// <summary>Parses one or more comma-separated items.</summary>
    /// <exception cref="FormatException">An item is not a code, a range or a class like <c>5xx</c>.</exception>
    public static StatusCodeSet Parse(string text) => Parse([text]);

    /// <summary>Parses a list of items (each may itself be comma-separated).</summary>
    /// <exception cref="FormatException">An item is not a code, a range or a class like <c>5xx</c>.</exception>
    public static StatusCodeSet Parse(IEnumerable<string> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var parts = items
            .SelectMany(i => (i ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        var set = new StatusCodeSet(string.Join(",", parts));
        foreach (var part in parts)
        {
            var (from, to) = ParseItem(part);
            for (var code = from; code <= to; code++)
            {
                set._bits[code >> 6] |= 1UL << (code & 63);
            }
        }
        return set;
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static (int From, int To) ParseItem(string item)
    {
        if (item.Length == 3 && item[0] is >= '1' and <= '5' && (item[1] is 'x' or 'X') && (item[2] is 'x' or 'X'))
        {
            var hundred = (item[0] - '0') * 100;
            return (hundred, hundred + 99);
        }

        var dash = item.IndexOf('-');
        if (dash < 0)
        {
            var code = ParseCode(item, item);
            return (code, code);
        }

        var from = ParseCode(item[..dash].Trim(), item);
        var to = ParseCode(item[(dash + 1)..].Trim(), item);
        if (from > to)
        {
            throw new FormatException($"Status range '{item}' runs backwards; write the lower code first.");
        }
        return (from, to);
    }

    private static int ParseCode(string text, string item)
    {
        if (text.Length == 3 && int.TryParse(text, System.Globalization.NumberStyles.None, null, out var code) && code is >= Min and <= Max)
        {
            return code;
        }
        throw new FormatException(
            $"'{item}' is not an HTTP status item; use a code (200), a range (200-399) or a class (5xx), codes {Min}-{Max}.");
    }
}
