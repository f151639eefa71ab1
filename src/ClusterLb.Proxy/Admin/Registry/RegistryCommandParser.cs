using System.Text.Json;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Proxy.Admin.Registry;

/// <summary>
/// Turns admin request bodies into registry commands, checking shape and types. The registry re-validates
/// everything against its state (unknown service, duplicate id); this layer only refuses what cannot be a
/// command at all, naming the field.
/// </summary>
public static class RegistryCommandParser
{
    /// <summary>Longest pool or host id.</summary>
    public const int MaxIdLength = 128;

    /// <summary><c>POST /api/pools</c>: <c>{"id","service","method","priority"}</c>, all required.</summary>
    public static CreatePool CreatePool(JsonElement body)
    {
        var fields = new JsonFields(body, "id", "service", "method", "priority");
        return new CreatePool(Id(fields, "id"), NonEmpty(fields, "service"), Method(fields), fields.Int("priority"));
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
        var id = Id(fields, "id");
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

    private static string Id(JsonFields fields, string name)
    {
        var id = fields.String(name);
        if (id.Length == 0 || id.Length > MaxIdLength)
        {
            throw AdminRequestException.Invalid(name, $"'{name}' must be 1 to {MaxIdLength} characters (was {id.Length})");
        }
        // The id becomes a path segment of the API (/api/pools/{id}/hosts/{id}): it must be addressable as one.
        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
            {
                throw AdminRequestException.Invalid(name, $"'{name}' may contain only letters, digits, '-', '_', '.' and ':' (was '{id}')");
            }
        }
        return id;
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

    private static int Weight(JsonFields fields) => fields.Int("weight", 1, HostSettings.MaxWeight);

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
