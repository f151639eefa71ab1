using System.Buffers;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Registry;

/// <summary>
/// The value format of a pool key's entries: compact JSON strings, because the CRDT serializer carries strings
/// natively and JSON keeps a value readable in a dump. The <see cref="PoolEntry"/> entry is
/// <c>{"service":"web","method":"hash","priority":0,"hash-key":"header:X-User"}</c>; a host entry is
/// <c>{"address":"http://10.0.0.5:8080/","weight":1,"state":"up"}</c>, with <c>"source":"dns"</c> added for a
/// discovered host.
/// </summary>
public static class RegistryCodec
{
    /// <summary>The entry of a pool key that holds the pool's own settings; host ids cannot start with <c>$</c>.</summary>
    public const string PoolEntry = "$pool";

    /// <summary>
    /// The value of a removed host entry (and, in the route table, of a deleted pool: the empty string). Entries
    /// are overwritten with it rather than removed from the map, because Akka.NET 1.5.75's replicator loses a key
    /// that a node merged from a peer when that node then removes another key of the same LWWDictionary
    /// (reproduced with three members); a tombstone is an ordinary last-writer-wins write and never does.
    /// </summary>
    public const string Removed = "{\"removed\":true}";

    /// <summary>True when <paramref name="json"/> is a removed host's tombstone.</summary>
    public static bool IsRemoved(string json) => string.Equals(json, Removed, StringComparison.Ordinal);

    /// <summary>The pool's own entry; options that differ from the defaults follow the method (<see cref="BalancingOptionsJson"/>).</summary>
    public static string EncodePool(string service, BalancingMethod method, int priority, BalancingOptions options) =>
        Write(w =>
        {
            w.WriteString("service", service);
            w.WriteString("method", method.ToConfigName());
            w.WriteNumber("priority", priority);
            BalancingOptionsJson.Write(w, options);
        });

    /// <summary>A host's entry (its id is the entry's key).</summary>
    public static string EncodeHost(HostSpec host) =>
        Write(w =>
        {
            w.WriteString("address", host.Address.ToString());
            w.WriteNumber("weight", host.Weight);
            w.WriteString("state", StateName(host.State));
            if (host.IsDiscovered)
            {
                w.WriteString("source", host.Source);
            }
        });

    /// <summary>The configuration and JSON name of <paramref name="state"/>.</summary>
    public static string StateName(HostAdminState state) => state switch
    {
        HostAdminState.Up => "up",
        HostAdminState.Down => "down",
        HostAdminState.Drain => "drain",
        _ => state.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// The pool held by <paramref name="map"/>, null when the map has no pool entry (never created, or being
    /// deleted). Host entries that cannot be read are skipped and named in <paramref name="problems"/>.
    /// </summary>
    public static PoolSpec? DecodePool(string poolId, IReadOnlyDictionary<string, string> map, List<string>? problems = null)
    {
        if (!map.TryGetValue(PoolEntry, out var poolJson) || !TryDecodePoolEntry(poolJson, out var service, out var method, out var priority, out var options))
        {
            if (map.TryGetValue(PoolEntry, out _))
            {
                problems?.Add($"pool '{poolId}': unreadable pool entry");
            }
            return null;
        }
        var hosts = ImmutableArray.CreateBuilder<HostSpec>();
        foreach (var (id, json) in map.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (id == PoolEntry || IsRemoved(json))
            {
                continue;
            }
            if (TryDecodeHost(id, json, out var host))
            {
                hosts.Add(host);
            }
            else
            {
                problems?.Add($"pool '{poolId}': unreadable host entry '{id}'");
            }
        }
        return new PoolSpec(poolId, service, method, priority, hosts.ToImmutable()) { Options = options };
    }

    /// <summary>Reads a host entry.</summary>
    public static bool TryDecodeHost(string id, string json, out HostSpec host)
    {
        host = null!;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (!Uri.TryCreate(root.GetProperty("address").GetString(), UriKind.Absolute, out var address))
            {
                return false;
            }
            var weight = root.GetProperty("weight").GetInt32();
            var state = root.TryGetProperty("state", out var s) ? ParseState(s.GetString()) : HostAdminState.Up;
            if (state is null || weight is < 1 or > HostSettings.MaxWeight)
            {
                return false;
            }
            var source = root.TryGetProperty("source", out var from) ? from.GetString() : HostSources.Static;
            if (string.IsNullOrEmpty(source))
            {
                return false;
            }
            host = new HostSpec(id, address, weight, state.Value) { Source = source };
            return true;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    /// <summary>Parses <c>up</c>, <c>down</c> or <c>drain</c>; null for anything else.</summary>
    public static HostAdminState? ParseState(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "up" => HostAdminState.Up,
        "down" => HostAdminState.Down,
        "drain" => HostAdminState.Drain,
        _ => null,
    };

    private static bool TryDecodePoolEntry(string json, out string service, out BalancingMethod method, out int priority, out BalancingOptions options)
    {
        service = string.Empty;
        method = BalancingMethod.RoundRobin;
        priority = 0;
        options = BalancingOptions.Default;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            service = root.GetProperty("service").GetString() ?? string.Empty;
            method = BalancingMethodNames.Parse(root.GetProperty("method").GetString() ?? string.Empty);
            priority = root.GetProperty("priority").GetInt32();
            // Option fields this node does not know (written by a newer node) are ignored; a bad value makes the pool unreadable.
            options = BalancingOptionsJson.Read(root, BalancingOptions.Default);
            return service.Length > 0;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
