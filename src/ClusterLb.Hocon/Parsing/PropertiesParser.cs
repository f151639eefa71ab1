using System.Globalization;
using System.Text;

namespace ClusterLb.Hocon.Parsing;

/// <summary>
/// Reads a Java .properties file into an object: keys split on every '.', all values are strings, and when a
/// key is both a value and an object the object wins.
/// </summary>
internal static class PropertiesParser
{
    public static HoconObject Parse(string text, string? file)
    {
        var root = new HoconObject(new HoconOrigin(file, 1, 1));
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var lineNo = i + 1;
            var line = lines[i].TrimStart(' ', '\t', '\f');
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }
            // A line ending in an odd number of backslashes continues on the next line.
            while (EndsWithContinuation(line) && i + 1 < lines.Length)
            {
                line = line[..^1] + lines[++i].TrimStart(' ', '\t', '\f');
            }
            var (key, value) = Split(line);
            Add(root, Unescape(key), Unescape(value), new HoconOrigin(file, lineNo, 1));
        }
        return root;
    }

    private static bool EndsWithContinuation(string line)
    {
        var n = 0;
        for (var j = line.Length - 1; j >= 0 && line[j] == '\\'; j--)
        {
            n++;
        }
        return n % 2 == 1;
    }

    private static (string Key, string Value) Split(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] is not ('=' or ':' or ' ' or '\t' or '\f'))
        {
            i += line[i] == '\\' ? 2 : 1;
        }
        var key = line[..Math.Min(i, line.Length)];
        while (i < line.Length && line[i] is ' ' or '\t' or '\f')
        {
            i++;
        }
        if (i < line.Length && line[i] is '=' or ':')
        {
            i++;
        }
        while (i < line.Length && line[i] is ' ' or '\t' or '\f')
        {
            i++;
        }
        return (key, i < line.Length ? line[i..] : "");
    }

    private static string Unescape(string s)
    {
        if (!s.Contains('\\'))
        {
            return s;
        }
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 >= s.Length)
            {
                sb.Append(s[i]);
                continue;
            }
            var c = s[++i];
            switch (c)
            {
                case 't': sb.Append('\t'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 'f': sb.Append('\f'); break;
                case 'u' when i + 4 < s.Length && int.TryParse(s.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    sb.Append((char)code);
                    i += 4;
                    break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    private static void Add(HoconObject root, string key, string value, HoconOrigin origin)
    {
        var parts = key.Split('.');
        var current = root;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (current.TryGetValue(parts[i], out var existing) && existing is HoconObject child)
            {
                current = child;
                continue;
            }
            var created = new HoconObject(origin);
            current.Set(parts[i], created);
            current = created;
        }
        var last = parts[^1];
        if (current.TryGetValue(last, out var old) && old is HoconObject)
        {
            return;
        }
        current.Set(last, new HoconString(value, origin));
    }
}
