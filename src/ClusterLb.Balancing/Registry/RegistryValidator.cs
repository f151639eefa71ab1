using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Registry;

/// <summary>
/// The checks a registry command passes before anything is written: each refusal names the JSON field and why.
/// Existence (unknown pool or host, taken id) is checked later, against the replica, by the write itself.
/// </summary>
public static class RegistryValidator
{
    /// <summary>Longest pool or host id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>Lowest pool priority a command may set.</summary>
    public const int MinPriority = 0;

    /// <summary>Highest pool priority a command may set.</summary>
    public const int MaxPriority = 1000;

    /// <summary>The refusal of <paramref name="command"/>, or null when its fields are valid.</summary>
    public static RegistryWriteResult? Check(RegistryCommand command, IReadOnlySet<string> services) => command switch
    {
        null => RegistryWriteResult.Invalid("command", "a command is required"),
        CreatePool c => Id(c.Id, "id", "pool") ?? Service(c.Service, services) ?? Options(c.Method, c.Options) ?? Priority(c.Priority),
        UpdatePool u => u.Method is null && u.Priority is null && u.Options is null
            ? RegistryWriteResult.Invalid("method", "nothing to change: give method, priority and/or an option")
            : (u.Method is { } m ? Method(m) : null) ?? (u.Priority is { } p ? Priority(p) : null) ?? OptionsFormat(u.Options),
        DeletePool => null,
        AddHost a => Id(a.Id, "id", "host") ?? Address(a.Address) ?? Weight(a.Weight),
        UpdateHost u => Weight(u.Weight),
        RemoveHost => null,
        SetHostState s => Enum.IsDefined(s.State) ? null : RegistryWriteResult.Invalid("state", $"must be up, down or drain (was {(int)s.State})"),
        SyncDiscoveredHosts d => d.Source == HostSources.Static || !IsValidId(d.Source)
            ? RegistryWriteResult.Invalid("source", $"'{d.Source}' is not a discovery source")
            : d.Hosts.Select(h => Address(h.Address) ?? Weight(h.Weight)).FirstOrDefault(r => r is not null),
        _ => RegistryWriteResult.Invalid("command", $"unknown command {command.GetType().Name}"),
    };

    /// <summary>True when <paramref name="id"/> is a valid pool or host id.</summary>
    public static bool IsValidId(string? id) =>
        !string.IsNullOrEmpty(id) && id.Length <= MaxIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static RegistryWriteResult? Id(string? id, string field, string what) =>
        IsValidId(id)
            ? null
            : RegistryWriteResult.Invalid(field, $"{what} id '{id}' must be 1 to {MaxIdLength} characters of letters, digits, '-', '_' and '.'");

    private static RegistryWriteResult? Service(string? service, IReadOnlySet<string> services) =>
        service is not null && services.Contains(service)
            ? null
            : RegistryWriteResult.Invalid("service", $"unknown service '{service}'; services come from the configuration ({string.Join(", ", services.Order(StringComparer.Ordinal))})");

    private static RegistryWriteResult? Method(BalancingMethod method) =>
        Enum.IsDefined(method) ? null : RegistryWriteResult.Invalid("method", $"must be one of {BalancingMethodNames.Expected} (was {(int)method})");

    /// <summary>The first rule <paramref name="options"/> breaks for <paramref name="method"/>, or null.</summary>
    public static RegistryWriteResult? Options(BalancingMethod method, BalancingOptions options) =>
        BalancingOptionsRules.Check(method, options).Select(p => RegistryWriteResult.Invalid(p.Option, p.Reason)).FirstOrDefault();

    private static RegistryWriteResult? OptionsFormat(string? options)
    {
        if (options is null)
        {
            return null;
        }
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(options);
            BalancingOptionsJson.Read(doc.RootElement, BalancingOptions.Default);
            return null;
        }
        catch (BalancingOptionFormatException ex)
        {
            return RegistryWriteResult.Invalid(ex.Option, ex.Reason);
        }
        catch (System.Text.Json.JsonException ex)
        {
            return RegistryWriteResult.Invalid("body", ex.Message);
        }
    }

    private static RegistryWriteResult? Priority(int priority) =>
        priority is >= MinPriority and <= MaxPriority
            ? null
            : RegistryWriteResult.Invalid("priority", $"must be between {MinPriority} and {MaxPriority} (was {priority})");

    // Whether the scheme fits the pool's service is checked by the write, which knows the pool.
    private static RegistryWriteResult? Address(Uri? address) =>
        address is { IsAbsoluteUri: true } && ServiceProtocols.OfAddress(address) is { } protocol && protocol.Accepts(address)
            ? null
            : RegistryWriteResult.Invalid("address", $"'{address}' must be an absolute http:// or https:// URI, or tcp://host:port or udp://host:port for a tcp or udp service");

    private static RegistryWriteResult? Weight(int weight) =>
        weight is >= 1 and <= HostSettings.MaxWeight
            ? null
            : RegistryWriteResult.Invalid("weight", $"must be between 1 and {HostSettings.MaxWeight} (was {weight})");
}
