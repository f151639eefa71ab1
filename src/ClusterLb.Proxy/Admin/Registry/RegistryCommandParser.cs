using System.Text.Json;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Proxy.Admin.Registry;

/// <summary>
/// Turns admin request bodies into registry commands, checking shape and types only: unknown, repeated, missing
/// or mistyped fields, unknown method names, addresses that are not URLs. Value rules (id characters, weight and
/// priority ranges, known services) and existence are the registry's (<see cref="RegistryValidator"/>), so they
/// are defined once.
/// </summary>
public static class RegistryCommandParser
{
    private static readonly string[] CreateFields = ["id", "service", "method", "priority", .. BalancingOptionsJson.Fields];
    private static readonly string[] UpdateFields = ["method", "priority", .. BalancingOptionsJson.Fields];

    /// <summary>
    /// <c>POST /api/pools</c>: <c>{"id","service","method","priority"}</c>, all required, and optionally the
    /// method's options (<c>hash-key</c>, <c>hash-balance-factor</c>, <c>slow-start</c>, <c>panic-threshold</c>, <c>affinity</c>).
    /// </summary>
    public static CreatePool CreatePool(JsonElement body)
    {
        var fields = new JsonFields(body, CreateFields);
        return new CreatePool(fields.String("id"), NonEmpty(fields, "service"), Method(fields), fields.Int("priority"))
        {
            Options = Options(body),
        };
    }

    /// <summary>
    /// <c>PUT /api/pools/{pool}</c>: any of <c>method</c>, <c>priority</c> and the option fields; options not given
    /// keep their current values (an <c>affinity</c> object replaces the whole affinity).
    /// </summary>
    public static UpdatePool UpdatePool(string poolId, JsonElement body)
    {
        var fields = new JsonFields(body, UpdateFields);
        if (fields.IsEmpty)
        {
            throw AdminRequestException.Invalid("body", "nothing to change: give 'method', 'priority' and/or an option (" + string.Join(", ", BalancingOptionsJson.Fields) + ")");
        }
        _ = Options(body);
        return new UpdatePool(poolId,
            fields.Has("method") ? Method(fields) : null,
            fields.Has("priority") ? fields.Int("priority") : null,
            OptionFields(body));
    }

    /// <summary><c>POST /api/pools/{pool}/hosts</c>: <c>{"id","address","weight"}</c>; weight defaults to 1.</summary>
    public static AddHost AddHost(string poolId, JsonElement body)
    {
        var fields = new JsonFields(body, "id", "address", "weight");
        var id = fields.String("id");
        var address = Address(fields);
        var weight = fields.Has("weight") ? Weight(fields) : 1;
        return new AddHost(poolId, id, address, weight);
    }

    /// <summary><c>PUT /api/pools/{pool}/hosts/{host}</c>: <c>{"weight"}</c>.</summary>
    public static UpdateHost UpdateHost(string poolId, string hostId, JsonElement body) =>
        new(poolId, hostId, Weight(new JsonFields(body, "weight")));

    /// <summary>Bodies of requests that take no fields (DELETE, host up/down/drain): absent or <c>{}</c>.</summary>
    public static void NoFields(JsonElement? body)
    {
        if (body is { } element)
        {
            _ = new JsonFields(element);
        }
    }

    private static string NonEmpty(JsonFields fields, string name)
    {
        var value = fields.String(name);
        return string.IsNullOrWhiteSpace(value) ? throw AdminRequestException.Invalid(name, $"'{name}' must not be empty") : value;
    }

    private static BalancingMethod Method(JsonFields fields)
    {
        var name = fields.String("method");
        try
        {
            return BalancingMethodNames.Parse(name);
        }
        catch (FormatException)
        {
            throw AdminRequestException.Invalid("method", $"'method' must be {BalancingMethodNames.Expected} (was '{name}')");
        }
    }

    /// <summary>The option fields of <paramref name="body"/> over the defaults; a badly typed value is a 400 naming it.</summary>
    private static BalancingOptions Options(JsonElement body)
    {
        try
        {
            return BalancingOptionsJson.Read(body, BalancingOptions.Default);
        }
        catch (BalancingOptionFormatException ex)
        {
            throw AdminRequestException.Invalid(ex.Option, $"'{ex.Option}' {ex.Reason}");
        }
    }

    /// <summary>Only the option fields of <paramref name="body"/>, as a JSON object; null when it has none.</summary>
    private static string? OptionFields(JsonElement body)
    {
        var options = body.EnumerateObject().Where(p => BalancingOptionsJson.Fields.Contains(p.Name, StringComparer.Ordinal)).ToList();
        if (options.Count == 0)
        {
            return null;
        }
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var option in options)
            {
                option.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static int Weight(JsonFields fields) => fields.Int("weight");

    private static Uri Address(JsonFields fields)
    {
        var text = fields.String("address");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || ServiceProtocols.OfAddress(uri) is not { } protocol || !protocol.Accepts(uri))
        {
            throw AdminRequestException.Invalid("address", $"'address' must be an absolute http:// or https:// URL, or tcp://host:port or udp://host:port for a tcp or udp service (was '{text}')");
        }
        return uri;
    }
}
