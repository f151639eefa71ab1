using System.Text.Json;

namespace ClusterLb.Proxy.Admin.Registry;

/// <summary>
/// Typed, strict access to the fields of one request object. Field names are exact (case-sensitive); an unknown
/// or repeated field is refused rather than ignored, so a typo such as <c>wieght</c> cannot look like success.
/// </summary>
public sealed class JsonFields
{
    private readonly Dictionary<string, JsonElement> _fields = new(StringComparer.Ordinal);

    /// <summary>Checks that <paramref name="body"/> holds only <paramref name="allowed"/> fields, each at most once.</summary>
    public JsonFields(JsonElement body, params string[] allowed)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                var expected = allowed.Length == 0 ? "this request takes no fields" : $"expected only {string.Join(", ", allowed)}";
                throw AdminRequestException.Invalid(property.Name, $"unknown field '{property.Name}'; {expected}");
            }
            if (!_fields.TryAdd(property.Name, property.Value))
            {
                throw AdminRequestException.Invalid(property.Name, $"field '{property.Name}' is given more than once");
            }
        }
    }

    /// <summary>Whether <paramref name="name"/> is present (even as null).</summary>
    public bool Has(string name) => _fields.ContainsKey(name);

    /// <summary>Whether no field is present.</summary>
    public bool IsEmpty => _fields.Count == 0;

    /// <summary>A required string.</summary>
    public string String(string name)
    {
        var value = Required(name);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw AdminRequestException.Invalid(name, $"'{name}' must be a string (was {KindName(value.ValueKind)})");
    }

    /// <summary>A required integer from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public int Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        var value = Required(name);
        var range = (min, max) switch
        {
            (int.MinValue, int.MaxValue) => "an integer",
            (_, int.MaxValue) => $"an integer >= {min}",
            _ => $"an integer from {min} to {max}",
        };
        if (value.ValueKind != JsonValueKind.Number)
        {
            throw AdminRequestException.Invalid(name, $"'{name}' must be {range} (was {KindName(value.ValueKind)})");
        }
        if (!value.TryGetInt32(out var number) || number < min || number > max)
        {
            throw AdminRequestException.Invalid(name, $"'{name}' must be {range} (was {value.GetRawText()})");
        }
        return number;
    }

    /// <summary>The JSON name of a value kind, for error messages.</summary>
    public static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private JsonElement Required(string name) =>
        _fields.TryGetValue(name, out var value) ? value : throw AdminRequestException.Invalid(name, $"field '{name}' is required");
}
