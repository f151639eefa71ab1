using System.Globalization;
using System.Text.Json;

namespace ClusterLb.Hocon.Tests.Support;

/// <summary>Compares a resolved HOCON tree with expected JSON: key order ignored, numbers by value. Returns the first difference.</summary>
internal static class JsonTreeComparer
{
    public static JsonDocument ParseExpected(string json) =>
        JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 10_000, CommentHandling = JsonCommentHandling.Skip });

    public static string? FirstDifference(JsonElement expected, HoconValue actual, string path = "$")
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                if (actual is not HoconObject obj)
                {
                    return $"{path}: expected an object, got {Describe(actual)}";
                }
                var expectedKeys = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in expected.EnumerateObject())
                {
                    expectedKeys.Add(property.Name);
                    if (!obj.TryGetValue(property.Name, out var child))
                    {
                        return $"{path}: missing key \"{property.Name}\"";
                    }
                    var diff = FirstDifference(property.Value, child, path + "." + property.Name);
                    if (diff is not null)
                    {
                        return diff;
                    }
                }
                var extra = obj.Keys.FirstOrDefault(k => !expectedKeys.Contains(k));
                return extra is null ? null : $"{path}: unexpected key \"{extra}\" = {Describe(obj.Fields[extra])}";
            case JsonValueKind.Array:
                if (actual is not HoconArray array)
                {
                    return $"{path}: expected an array, got {Describe(actual)}";
                }
                var items = expected.EnumerateArray().ToList();
                if (items.Count != array.Items.Count)
                {
                    return $"{path}: expected {items.Count} elements, got {array.Items.Count}";
                }
                for (var i = 0; i < items.Count; i++)
                {
                    var diff = FirstDifference(items[i], array.Items[i], $"{path}[{i}]");
                    if (diff is not null)
                    {
                        return diff;
                    }
                }
                return null;
            case JsonValueKind.String:
                return actual is HoconString s && s.Value == expected.GetString()
                    ? null
                    : $"{path}: expected the string {expected.GetRawText()}, got {Describe(actual)}";
            case JsonValueKind.Number:
                return actual is HoconNumber n && n.Value == expected.GetDouble()
                    ? null
                    : $"{path}: expected the number {expected.GetRawText()}, got {Describe(actual)}";
            case JsonValueKind.True:
            case JsonValueKind.False:
                return actual is HoconBoolean b && b.Value == expected.GetBoolean()
                    ? null
                    : $"{path}: expected {expected.GetRawText()}, got {Describe(actual)}";
            case JsonValueKind.Null:
                return actual is HoconNull ? null : $"{path}: expected null, got {Describe(actual)}";
            default:
                return $"{path}: unexpected JSON kind {expected.ValueKind}";
        }
    }

    private static string Describe(HoconValue v) => v switch
    {
        HoconString s => "the string \"" + s.Value + "\"",
        HoconNumber n => "the number " + n.Value.ToString(CultureInfo.InvariantCulture),
        HoconBoolean b => b.Value ? "true" : "false",
        HoconNull => "null",
        HoconArray a => $"an array of {a.Items.Count}",
        HoconObject o => $"an object with keys [{string.Join(", ", o.Keys)}]",
        _ => v.Kind.ToString(),
    };
}
