using System.Text;
using System.Text.Json;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// The Akka keys ClusterLb sets, collected as a tree and written as JSON, which Akka's
/// <c>ConfigurationFactory.ParseString</c> reads as HOCON. Building text by hand would need HOCON quoting rules;
/// JSON has one escaping rule and a writer that applies it.
/// </summary>
internal sealed class AkkaConfigTree
{
    private readonly SortedDictionary<string, object> _root = new(StringComparer.Ordinal);

    /// <summary>Sets a value at a dotted path whose elements contain no dots (Akka's own keys never do).</summary>
    /// <param name="value">A string, bool, int, long, double or a list of strings.</param>
    public AkkaConfigTree Set(string path, object value)
    {
        var elements = path.Split('.');
        var node = _root;
        for (var i = 0; i < elements.Length - 1; i++)
        {
            if (!node.TryGetValue(elements[i], out var child) || child is not SortedDictionary<string, object> inner)
            {
                inner = new SortedDictionary<string, object>(StringComparer.Ordinal);
                node[elements[i]] = inner;
            }
            node = inner;
        }
        node[elements[^1]] = value;
        return this;
    }

    /// <summary>The value at a dotted path, or null (for tests and decisions made after mapping).</summary>
    public object? Get(string path)
    {
        object current = _root;
        foreach (var element in path.Split('.'))
        {
            if (current is not SortedDictionary<string, object> node || !node.TryGetValue(element, out var child))
            {
                return null;
            }
            current = child;
        }
        return current;
    }

    /// <summary>The tree as one JSON object.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            Write(writer, _root);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case SortedDictionary<string, object> node:
                writer.WriteStartObject();
                foreach (var (key, child) in node)
                {
                    writer.WritePropertyName(key);
                    Write(writer, child);
                }
                writer.WriteEndObject();
                break;
            case IEnumerable<string> list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    writer.WriteStringValue(item);
                }
                writer.WriteEndArray();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            default:
                throw new ArgumentException($"unsupported value type {value.GetType()}", nameof(value));
        }
    }
}
