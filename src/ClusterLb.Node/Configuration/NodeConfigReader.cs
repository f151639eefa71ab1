using System.Collections.Immutable;
using System.Net;
using ClusterLb.Proxy.Forwarding;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;
using ClusterLb.Node.Hosting;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Admin;
using ClusterLb.Runtime.Hosting;

namespace ClusterLb.Node.Configuration;

/// <summary>
/// Reads a resolved configuration into <see cref="NodeSettings"/>: <c>clusterlb.node</c>, <c>clusterlb.proxy</c>,
/// <c>clusterlb.admin</c>, <c>clusterlb.health-check</c> and <c>clusterlb.services</c>.
/// </summary>
public static class NodeConfigReader
{
    /// <summary>Reads and validates.</summary>
    /// <exception cref="SettingsException">Every invalid setting, with file, line and column where known.</exception>
    public static NodeSettings Read(Config config)
    {
        var errors = new List<string>();
        var name = Try(errors, () => config.GetString("clusterlb.node.name", string.Empty)) ?? string.Empty;
        var dataDirectory = Try(errors, () => config.GetString("clusterlb.node.data-dir", ".data")) ?? ".data";
        var proxy = Try(errors, () => ReadProxy(config, errors));
        try
        {
            // The Akka mapping (removed keys, seeds, TLS policy) is checked here too, so `config check` and `run`
            // refuse the same files, before anything binds.
            AkkaNodeConfig.Render(config, dataDirectory);
        }
        catch (HoconException ex)
        {
            errors.Add(ex.Message);
        }
        BalancingSettings? balancing = null;
        try
        {
            balancing = BalancingConfigReader.Read(config);
        }
        catch (SettingsException ex)
        {
            errors.AddRange(ex.Errors);
        }
        if (errors.Count > 0 || proxy is null || balancing is null)
        {
            throw new SettingsException(errors);
        }
        return new NodeSettings(string.IsNullOrWhiteSpace(name) ? Environment.MachineName : name, proxy, balancing, config)
        {
            DataDirectory = dataDirectory,
        };
    }

    private static ProxySettings ReadProxy(Config config, List<string> errors)
    {
        var d = ProxySettings.Loopback;
        var u = UpstreamSettings.Default;
        var http = ReadListener(config, "clusterlb.proxy.http", "0.0.0.0", 8080, errors);
        var http2 = config.GetBool("clusterlb.proxy.http2.enabled", false)
            ? ReadListener(config, "clusterlb.proxy.http2", "0.0.0.0", 8082, errors)
            : null;
        var admin = ReadListener(config, "clusterlb.admin", "127.0.0.1", 8081, errors);
        var drain = config.GetDuration("clusterlb.proxy.drain-timeout", d.DrainTimeout);
        if (drain < TimeSpan.Zero)
        {
            errors.Add(Located(config, "clusterlb.proxy.drain-timeout", "must not be negative"));
        }
        var upstream = new UpstreamSettings(
            config.GetDuration("clusterlb.proxy.upstream.connect-timeout", u.ConnectTimeout),
            config.GetDuration("clusterlb.proxy.upstream.activity-timeout", u.ActivityTimeout),
            config.GetDuration("clusterlb.proxy.upstream.idle-timeout", u.PooledConnectionIdleTimeout),
            config.GetInt("clusterlb.proxy.upstream.max-connections-per-server", u.MaxConnectionsPerServer));
        var access = new AdminAccessSettings(
            config.GetString("clusterlb.admin.token", string.Empty),
            config.GetBool("clusterlb.admin.protect-status", false));
        if (access.ProtectStatus && !access.HasToken)
        {
            errors.Add(Located(config, "clusterlb.admin.protect-status", "is on but clusterlb.admin.token is empty, so /status could never be read; set a token"));
        }
        return new ProxySettings(http, http2, admin, drain, config.GetBool("clusterlb.proxy.preserve-host", d.PreserveHost), upstream)
        {
            AdminAccess = access,
            ClientAddress = ReadClientAddress(config, errors),
        };
    }

    private static ClientAddressSettings ReadClientAddress(Config config, List<string> errors)
    {
        var networks = ImmutableArray.CreateBuilder<IPNetwork>();
        if (config.HasPath("clusterlb.proxy.trusted-proxies"))
        {
            foreach (var text in config.GetStringList("clusterlb.proxy.trusted-proxies"))
            {
                // A bare address is a network of one.
                var cidr = text.Contains('/') ? text : text + (text.Contains(':') ? "/128" : "/32");
                if (IPNetwork.TryParse(cidr.Trim(), out var network))
                {
                    networks.Add(network);
                }
                else
                {
                    errors.Add(Located(config, "clusterlb.proxy.trusted-proxies", $"'{text}' is not an address or a CIDR network like 10.0.0.0/8 or fd00::/8"));
                }
            }
        }
        var header = config.GetString("clusterlb.proxy.real-ip-header", ClientAddressSettings.None.RealIpHeader).Trim();
        if (header.Length == 0 || header.Any(c => c <= ' ' || c == ':'))
        {
            errors.Add(Located(config, "clusterlb.proxy.real-ip-header", $"'{header}' is not a header name"));
        }
        return new ClientAddressSettings(networks.ToImmutable(), header);
    }

    private static ListenerSettings ReadListener(Config config, string at, string bind, int port, List<string> errors)
    {
        var listener = new ListenerSettings(config.GetString($"{at}.bind", bind), config.GetInt($"{at}.port", port));
        if (listener.Port is < 0 or > 65535)
        {
            errors.Add(Located(config, $"{at}.port", $"must be between 0 and 65535 (was {listener.Port})"));
        }
        if (listener.Bind is not ("*" or "localhost") && !System.Net.IPAddress.TryParse(listener.Bind, out _))
        {
            errors.Add(Located(config, $"{at}.bind", $"'{listener.Bind}' is not an IP address (use 0.0.0.0, 127.0.0.1, :: or *)"));
        }
        return listener;
    }

    private static string Located(Config config, string path, string message) =>
        config.GetValue(path) is { Origin.Line: > 0 } value ? value.Origin.Format($"{path}: {message}") : $"{path}: {message}";

    private static T? Try<T>(List<string> errors, Func<T> read) where T : class
    {
        try
        {
            return read();
        }
        catch (HoconException ex)
        {
            errors.Add(ex.Message);
            return null;
        }
    }
}
