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
    /// <summary><c>POST /api/pools</c>: <c>{"id","service","method","priority"}</c>, all required.</summary>
    public static CreatePool CreatePool(JsonElement body)
    {
        var fields = new JsonFields(body, "id", "service", "method", "priority");
        return new CreatePool(fields.String("id"), NonEmpty(fields, "service"), Method(fields), fields.Int("priority"));
    }

    /// <summary><c>PUT /api/pools/{pool}</c>: <c>method</c> and/or <c>priority</c>.</summary>
    public static UpdatePool UpdatePool(string poolId, JsonElement body)
    {
        var fields = new JsonFields(body, "method", "priority");
        if (fields.IsEmpty)
        {
            throw AdminRequestException.Invalid("body", "nothing to change: give 'method' and/or 'priority'");
        }
        return new UpdatePool(poolId,
            fields.Has("method") ? Method(fields) : null,
            fields.Has("priority") ? fields.Int("priority") : null);
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
        return name switch
        {
            "round-robin" => BalancingMethod.RoundRobin,
            "random" => BalancingMethod.Random,
            _ => throw AdminRequestException.Invalid("method", $"'method' must be 'round-robin' or 'random' (was '{name}')"),
        };
    }

    private static int Weight(JsonFields fields) => fields.Int("weight");

    private static Uri Address(JsonFields fields)
    {
        var text = fields.String("address");
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            throw AdminRequestException.Invalid("address", $"'address' must be an absolute http:// or https:// URL (was '{text}')");
        }
        return uri;
    }
}
