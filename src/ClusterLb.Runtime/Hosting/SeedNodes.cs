using System.Globalization;
using ClusterLb.Hocon;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// Reads <c>clusterlb.cluster.seed-nodes</c> into Akka seed addresses. Accepts a HOCON list or one comma-separated
/// string (what <c>${?CLUSTER_SEEDS}</c> substitutes), each entry either a full Akka address
/// (<c>akka.tcp://clusterlb@lb1:4053</c>, <c>akka.ssl.tcp://...</c>) or the short form <c>host:port</c>, which gets
/// the scheme that matches TLS and this node's system name. A full address with the other scheme or another system
/// name could never be joined (Akka ignores a Join from another system and cannot speak TLS to a plain port), so it
/// is a configuration error rather than a node that waits forever.
/// </summary>
public static class SeedNodes
{
    /// <summary>The key read.</summary>
    public const string Key = "clusterlb.cluster.seed-nodes";

    /// <summary>The seed addresses in Akka's form, in the order given (the first seed may form the cluster).</summary>
    /// <param name="config">The resolved ClusterLb configuration.</param>
    /// <param name="systemName">The actor system name every seed must carry.</param>
    /// <param name="tls">Whether remoting uses TLS (<c>akka.ssl.tcp</c>) or not (<c>akka.tcp</c>).</param>
    /// <exception cref="HoconException">An entry is malformed or disagrees with the TLS setting or the system name.</exception>
    public static IReadOnlyList<string> Read(Config config, string systemName, bool tls)
    {
        ArgumentNullException.ThrowIfNull(config);
        var value = config.GetValue(Key);
        if (value is null or HoconNull)
        {
            return [];
        }
        var entries = new List<(string Text, HoconOrigin Origin)>();
        if (value is HoconString s)
        {
            entries.AddRange(s.Value.Split(',').Select(part => (part, s.Origin)));
        }
        else if (value is HoconArray array)
        {
            entries.AddRange(array.Items.Select(item => (item is HoconString str ? str.Value : throw new HoconException(item.Origin, $"{Key}: expected a string address, found {item.Kind}"), item.Origin)));
        }
        else
        {
            throw new HoconException(value.Origin, $"{Key}: expected a list of addresses or a comma-separated string");
        }

        var scheme = tls ? "akka.ssl.tcp" : "akka.tcp";
        var seeds = new List<string>();
        foreach (var (raw, origin) in entries)
        {
            var text = raw.Trim();
            if (text.Length == 0)
            {
                continue;
            }
            seeds.Add(text.Contains("://", StringComparison.Ordinal)
                ? CheckFull(text, origin, scheme, systemName, tls)
                : FromShort(text, origin, scheme, systemName));
        }
        return seeds;
    }

    private static string CheckFull(string text, HoconOrigin origin, string scheme, string systemName, bool tls)
    {
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        var given = text[..schemeEnd];
        var rest = text[(schemeEnd + 3)..].TrimEnd('/');
        var at = rest.IndexOf('@');
        if (at <= 0)
        {
            throw new HoconException(origin, $"{Key}: '{text}' has no system name: expected {scheme}://{systemName}@host:port or host:port");
        }
        if (given is not ("akka.tcp" or "akka.ssl.tcp"))
        {
            throw new HoconException(origin, $"{Key}: '{text}' uses the scheme '{given}': Akka.Remote (DotNetty) addresses are {scheme}://{systemName}@host:port");
        }
        if (given != scheme)
        {
            var why = tls
                ? "clusterlb.cluster.tls is enabled, so every node is reached as akka.ssl.tcp"
                : "TLS is off (clusterlb.cluster.tls), so nodes are reached as akka.tcp";
            throw new HoconException(origin, $"{Key}: '{text}' uses {given} but {why}: write {scheme}://... or the short form host:port");
        }
        var system = rest[..at];
        if (!string.Equals(system, systemName, StringComparison.Ordinal))
        {
            throw new HoconException(origin, $"{Key}: '{text}' names the actor system '{system}' but this node's clusterlb.cluster.system-name is '{systemName}': nodes of different systems never join");
        }
        var (host, port) = SplitHostPort(rest[(at + 1)..], text, origin);
        return Format(scheme, systemName, host, port);
    }

    private static string FromShort(string text, HoconOrigin origin, string scheme, string systemName)
    {
        var (host, port) = SplitHostPort(text, text, origin);
        return Format(scheme, systemName, host, port);
    }

    private static (string Host, int Port) SplitHostPort(string hostPort, string text, HoconOrigin origin)
    {
        if (!HostPort.TryParse(hostPort, out var host, out var port))
        {
            throw new HoconException(origin, $"{Key}: '{text}' is not a seed address: expected host:port (port 1-65535) or akka.ssl.tcp://system@host:port");
        }
        return (host, port);
    }

    private static string Format(string scheme, string systemName, string host, int port) =>
        $"{scheme}://{systemName}@{host}:{port.ToString(CultureInfo.InvariantCulture)}";
}
