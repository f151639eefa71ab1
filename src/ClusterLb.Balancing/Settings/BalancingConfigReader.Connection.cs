using ClusterLb.Balancing.Upstreams;
using ClusterLb.Hocon;

namespace ClusterLb.Balancing.Settings;

/// <summary>A pool's <c>http-version</c>, <c>tls { }</c> and <c>keepalive { }</c> (<see cref="UpstreamConnectionSettings"/>).</summary>
public static partial class BalancingConfigReader
{
    private static readonly HashSet<string> TlsKeys = new(StringComparer.Ordinal) { "sni", "verify", "ca", "client-certificate", "client-key" };
    private static readonly HashSet<string> KeepaliveKeys = new(StringComparer.Ordinal) { "max-connections", "idle-timeout" };

    private static UpstreamConnectionSettings ReadConnection(Config pool) => new(
        Parsed(pool, "http-version", UpstreamHttpVersionNames.Parse, "auto"),
        pool.HasPath("tls") ? ReadTls(pool.GetConfig("tls")) : UpstreamTlsSettings.Default,
        pool.HasPath("keepalive") ? ReadKeepalive(pool.GetConfig("keepalive")) : KeepaliveSettings.Inherit);

    private static UpstreamTlsSettings ReadTls(Config c)
    {
        RefuseUnknownKeys(c, "tls", TlsKeys);
        string? sni = c.GetString("sni", "").Trim();
        if (sni.Length == 0)
        {
            sni = null;
        }
        else if (Uri.CheckHostName(sni) != UriHostNameType.Dns)
        {
            throw At(c, "sni", $"tls.sni '{sni}' is not a DNS name (leave it out to send the name in the host's address; an IP address sends no SNI)");
        }
        var verify = c.GetBool("verify", true);
        var ca = FileKey(c, "ca");
        if (ca is not null && !verify)
        {
            throw At(c, "verify", "tls.verify = off accepts any certificate, so tls.ca would never be used: remove one of them");
        }
        if (ca is not null)
        {
            Loaded(c, "ca", () => UpstreamCertificates.LoadCa(ca));
        }
        var certificate = FileKey(c, "client-certificate");
        var key = FileKey(c, "client-key");
        if (key is not null && certificate is null)
        {
            throw At(c, "client-key", "tls.client-key needs tls.client-certificate, the certificate it belongs to");
        }
        if (certificate is not null)
        {
            Loaded(c, "client-certificate", () => UpstreamCertificates.LoadClientChain(certificate, key));
        }
        return new UpstreamTlsSettings(sni, verify, ca, certificate, key);
    }

    private static KeepaliveSettings ReadKeepalive(Config c)
    {
        RefuseUnknownKeys(c, "keepalive", KeepaliveKeys);
        int? max = null;
        if (c.HasPath("max-connections"))
        {
            max = c.GetInt("max-connections");
            if (max < 0)
            {
                throw At(c, "max-connections", $"keepalive.max-connections must be 0 (unbounded) or more (was {max})");
            }
        }
        TimeSpan? idle = null;
        if (c.HasPath("idle-timeout"))
        {
            idle = c.GetDuration("idle-timeout");
            if (idle <= TimeSpan.Zero)
            {
                throw At(c, "idle-timeout", "keepalive.idle-timeout must be positive");
            }
        }
        return new KeepaliveSettings(max, idle);
    }

    // A path relative to the working directory, kept as a full path; "" (or absent) is null.
    private static string? FileKey(Config c, string key)
    {
        var path = c.GetString(key, "").Trim();
        if (path.Length == 0)
        {
            return null;
        }
        return path.IndexOfAny(Path.GetInvalidPathChars()) < 0 && !path.Any(char.IsControl)
            ? Path.GetFullPath(path)
            : throw At(c, key, $"tls.{key} '{path}' is not a file path");
    }

    // Loads a file now, so `clusterlb config check` reports a missing or unreadable one at its key.
    private static void Loaded(Config c, string key, Func<System.Security.Cryptography.X509Certificates.X509Certificate2Collection> load)
    {
        try
        {
            foreach (var certificate in load())
            {
                certificate.Dispose();
            }
        }
        catch (UpstreamTlsException ex)
        {
            throw At(c, key, $"tls.{key}: {ex.Message}");
        }
    }

    private static void RefuseUnknownKeys(Config c, string block, HashSet<string> known)
    {
        foreach (var key in c.Keys)
        {
            if (!known.Contains(key))
            {
                throw At(c, key, $"{block}.{key} is not a key of a pool's {block} block (keys: {string.Join(", ", known.Order(StringComparer.Ordinal))})");
            }
        }
    }

    private static HoconException At(Config c, string key, string reason) =>
        c.GetValue(key) is { } value ? new HoconException(value.Origin, reason) : new HoconException(reason);
}
