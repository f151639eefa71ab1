using System.Collections.Immutable;
using System.Net;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;

namespace ClusterLb.Balancing.Discovery;

/// <summary>Reads a pool's <c>discovery</c> block; every error names the file, line and column of the value at fault.</summary>
public static partial class DiscoveryConfigReader
{
    /// <summary>The <c>type</c> values this node knows.</summary>
    public static readonly ImmutableArray<string> Types = [Registry.HostSources.Dns, Registry.HostSources.AkkaCluster, Registry.HostSources.Kubernetes];

    private static readonly HashSet<string> DnsKeys = new(StringComparer.Ordinal)
    {
        "type", "name", "record", "port", "scheme", "resolvers", "interval", "min-interval", "timeout", "hold", "weight", "write-interval",
    };

    private static readonly HashSet<string> AkkaClusterKeys = new(StringComparer.Ordinal) { "type", "role", "unreachable-grace", "weight", "write-interval" };

    /// <summary>Reads <paramref name="block"/> (the <c>discovery</c> object, found at <paramref name="origin"/>).</summary>
    /// <exception cref="HoconException">A missing, unknown or invalid key.</exception>
    public static DiscoverySettings Read(Config block, HoconOrigin origin)
    {
        var type = block.HasPath("type") ? block.GetString("type") : throw new HoconException(origin, $"discovery.type is required ({string.Join(", ", Types)})");
        return type switch
        {
            Registry.HostSources.Dns => ReadDns(block, origin),
            Registry.HostSources.AkkaCluster => ReadAkkaCluster(block, origin),
            Registry.HostSources.Kubernetes => ReadKubernetes(block, origin),
            _ => throw new HoconException(block.GetValue("type")!.Origin, $"discovery.type '{type}' is unknown; expected one of: {string.Join(", ", Types)}"),
        };
    }

    private static DnsDiscoverySettings ReadDns(Config c, HoconOrigin origin)
    {
        RefuseUnknownKeys(c, DnsKeys);
        var name = c.HasPath("name") ? c.GetString("name").Trim().TrimEnd('.') : throw new HoconException(origin, "discovery.name is required: the DNS name to resolve");
        if (name.Length == 0 || name.Length > 253 || Uri.CheckHostName(name.TrimStart('_').Replace("._", ".", StringComparison.Ordinal)) != UriHostNameType.Dns)
        {
            throw At(c, "name", $"discovery.name '{name}' is not a DNS name");
        }
        var record = c.GetString("record", "auto") switch
        {
            "auto" => DnsRecordKind.Auto,
            "a+aaaa" => DnsRecordKind.AOrAaaa,
            "a" => DnsRecordKind.A,
            "aaaa" => DnsRecordKind.Aaaa,
            "srv" => DnsRecordKind.Srv,
            var other => throw At(c, "record", $"discovery.record '{other}' must be auto, a, aaaa, a+aaaa or srv"),
        };
        var scheme = c.GetString("scheme", "http");
        if (scheme is not ("http" or "https" or "tcp" or "udp"))
        {
            throw At(c, "scheme", $"discovery.scheme '{scheme}' must be http, https, tcp or udp");
        }
        var srv = record == DnsRecordKind.Srv || (record == DnsRecordKind.Auto && name.StartsWith('_'));
        if (scheme is "tcp" or "udp" && !srv && !c.HasPath("port"))
        {
            throw At(c, "scheme", $"discovery.port is required with scheme = {scheme} (A/AAAA answers carry no port; SRV answers do)");
        }
        var port = c.GetInt("port", scheme == "https" ? 443 : 80);
        if (port is < 1 or > 65535)
        {
            throw At(c, "port", $"discovery.port {port} must be 1 to 65535");
        }
        var resolvers = c.GetStringList("resolvers", []).Select(r => Resolver(c, r)).ToImmutableArray();
        var interval = Positive(c, "interval", TimeSpan.FromSeconds(30));
        var minInterval = Positive(c, "min-interval", TimeSpan.FromSeconds(1));
        if (minInterval > interval)
        {
            throw At(c, "min-interval", $"discovery.min-interval ({minInterval.TotalSeconds:0.###} s) must not exceed discovery.interval ({interval.TotalSeconds:0.###} s)");
        }
        var weight = Weight(c);
        var hold = c.GetDuration("hold", TimeSpan.FromSeconds(30));
        if (hold < TimeSpan.Zero)
        {
            throw At(c, "hold", "discovery.hold must not be negative");
        }
        return new DnsDiscoverySettings(name, record, port, scheme, resolvers, interval, minInterval, Positive(c, "timeout", TimeSpan.FromSeconds(2)), hold)
        {
            Weight = weight,
            WriteInterval = Positive(c, "write-interval", DiscoverySettings.DefaultWriteInterval),
        };
    }

    private static AkkaClusterDiscoverySettings ReadAkkaCluster(Config c, HoconOrigin origin)
    {
        RefuseUnknownKeys(c, AkkaClusterKeys);
        var role = c.HasPath("role") ? c.GetString("role").Trim() : throw new HoconException(origin, "discovery.role is required: the cluster role of the pool's backend members, such as \"backend:api\"");
        if (role.Length == 0 || role == "clusterlb")
        {
            throw At(c, "role", $"discovery.role '{role}' must name the backends' role (not empty, not the load balancers' own role clusterlb)");
        }
        return new AkkaClusterDiscoverySettings(role, c.GetDuration("unreachable-grace", TimeSpan.FromSeconds(10)) is var grace && grace >= TimeSpan.Zero
            ? grace
            : throw At(c, "unreachable-grace", "discovery.unreachable-grace must not be negative"))
        {
            Weight = Weight(c),
            WriteInterval = Positive(c, "write-interval", DiscoverySettings.DefaultWriteInterval),
        };
    }

    private static int Weight(Config c)
    {
        var weight = c.GetInt("weight", 1);
        return weight is >= 1 and <= HostSettings.MaxWeight ? weight : throw At(c, "weight", $"discovery.weight {weight} must be 1 to {HostSettings.MaxWeight}");
    }

    private static IPEndPoint Resolver(Config c, string text)
    {
        if (IPEndPoint.TryParse(text, out var endpoint) && endpoint.Port > 0)
        {
            return endpoint;
        }
        return IPAddress.TryParse(text, out var address)
            ? new IPEndPoint(address, 53)
            : throw At(c, "resolvers", $"discovery.resolvers: '{text}' is not an IP address with an optional port (10.0.0.2, 10.0.0.2:5353, [fd00::2]:53)");
    }

    private static TimeSpan Positive(Config c, string key, TimeSpan fallback)
    {
        var value = c.GetDuration(key, fallback);
        return value > TimeSpan.Zero ? value : throw At(c, key, $"discovery.{key} must be positive");
    }

    private static void RefuseUnknownKeys(Config c, HashSet<string> known)
    {
        foreach (var key in c.Keys)
        {
            if (!known.Contains(key))
            {
                throw At(c, key, $"discovery.{key} is not a key of a {c.GetString("type")} discovery (keys: {string.Join(", ", known.Order(StringComparer.Ordinal))})");
            }
        }
    }

    private static HoconException At(Config c, string key, string reason) =>
        c.GetValue(key) is { } value ? new HoconException(value.Origin, reason) : new HoconException(reason);
}
