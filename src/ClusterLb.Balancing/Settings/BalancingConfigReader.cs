using System.Collections.Immutable;
using ClusterLb.Balancing.Discovery;
using ClusterLb.Hocon;

namespace ClusterLb.Balancing.Settings;

/// <summary>
/// Reads <c>clusterlb.health-check</c> and <c>clusterlb.services</c> into <see cref="BalancingSettings"/> and
/// validates them. Every error names the file, line and column of the object it concerns.
/// </summary>
/// <remarks>
/// Health-check settings layer like nginx/HAProxy defaults: a pool's <c>health-check</c> block falls back to its
/// service's, which falls back to <c>clusterlb.health-check</c>.
/// </remarks>
public static partial class BalancingConfigReader
{
    /// <summary>Reads and validates the balancing part of a resolved configuration.</summary>
    /// <exception cref="SettingsException">Invalid or missing settings (every problem, with its location).</exception>
    public static BalancingSettings Read(Config config)
    {
        var origins = new Dictionary<string, HoconOrigin>(StringComparer.Ordinal);
        var errors = new List<string>();
        var defaults = config.GetConfig("clusterlb.health-check", Config.Empty);
        var retryDefaults = config.GetConfig("clusterlb.retries", Config.Empty);
        var services = new List<ServiceSettings>();

        if (config.HasPath("clusterlb.services"))
        {
            var servicesConfig = config.GetConfig("clusterlb.services");
            foreach (var name in servicesConfig.Keys.OrderBy(KeyOrder(servicesConfig)))
            {
                var at = $"clusterlb.services.{name}";
                var service = Guard(errors, at, () => servicesConfig.GetConfig(Quote(name)));
                if (service is null)
                {
                    continue;
                }
                origins[at] = service.Root.Origin;
                var parsed = Guard(errors, at, () => ReadService(name, service, defaults, retryDefaults, at, origins, errors));
                if (parsed is not null)
                {
                    services.Add(parsed);
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new SettingsException(errors);
        }
        try
        {
            return new BalancingSettings([.. services]).Validate();
        }
        catch (SettingsException ex)
        {
            throw new SettingsException(ex.Errors.Select(e => Locate(e, origins)).ToList());
        }
    }

    private static ServiceSettings ReadService(string name, Config service, Config defaults, Config retryDefaults, string at, Dictionary<string, HoconOrigin> origins, List<string> errors)
    {
        var protocol = Parsed(service, "protocol", ServiceProtocols.Parse, "http");
        if (protocol == ServiceProtocol.Http && service.GetValue("listen") is { } listen)
        {
            throw new HoconException(listen.Origin, "listen is for protocol = tcp or udp; HTTP services share clusterlb.proxy's listeners and are matched by host and path");
        }
        var stream = protocol == ServiceProtocol.Http ? null : ReadStream(service, protocol);
        var match = service.GetConfig("match", Config.Empty);
        var hosts = match.HasPath("hosts") ? match.GetStringList("hosts").ToImmutableArray() : ImmutableArray<string>.Empty;
        var pathPrefix = match.GetString("path-prefix", "/");
        var serviceChecks = service.GetConfig("health-check", Config.Empty).WithFallback(defaults);

        var pools = new List<PoolSettings>();
        var poolConfigs = service.HasPath("pools") ? service.GetConfigList("pools") : [];
        for (var i = 0; i < poolConfigs.Count; i++)
        {
            var poolAt = $"{at}.pools[{i}]";
            origins[poolAt] = poolConfigs[i].Root.Origin;
            var pool = Guard(errors, poolAt, () => ReadPool(poolConfigs[i], i, name, serviceChecks, poolAt, origins));
            if (pool is not null)
            {
                pools.Add(pool);
            }
        }

        // Stable: equal priorities keep their configuration order.
        // Pools created at runtime take the service's checks. A bad value there is reported once: by the pools that
        // inherit it, or here when every pool overrides it.
        var runtime = Guard(pools.Count == poolConfigs.Count ? errors : [], $"{at}.health-check",
            () => Tuple.Create(ReadHealthCheck(serviceChecks), ReadPassive(serviceChecks.GetConfig("passive", Config.Empty))));
        return new ServiceSettings(name, new ServiceMatch(hosts, pathPrefix), [.. pools.OrderBy(p => p.Priority)])
        {
            Protocol = protocol,
            Stream = stream,
            RuntimeHealthCheck = runtime?.Item1 ?? HealthCheckSettings.Default,
            RuntimePassive = runtime?.Item2 ?? PassiveHealthSettings.Default,
            Retries = Guard(errors, $"{at}.retries", () => ReadRetries(service.GetConfig("retries", Config.Empty).WithFallback(retryDefaults))) ?? RetrySettings.Default,
        };
    }

    private static PoolSettings ReadPool(Config pool, int index, string service, Config inheritedChecks, string at, Dictionary<string, HoconOrigin> origins)
    {
        // Default ids derive from the service name, so services that leave ids out never collide in the registry.
        var id = pool.GetString("id", index == 0 ? service : $"{service}-{index + 1}");
        var method = Parsed(pool, "method", BalancingMethodNames.Parse, "round-robin");
        var priority = pool.GetInt("priority", index);
        var checks = pool.GetConfig("health-check", Config.Empty).WithFallback(inheritedChecks);

        var hosts = new List<HostSettings>();
        var hostValue = pool.GetValue("hosts");
        if (hostValue is { Kind: HoconValueKind.Array } && pool.GetConfigListOrNull("hosts") is { } hostConfigs)
        {
            for (var h = 0; h < hostConfigs.Count; h++)
            {
                var host = hostConfigs[h];
                origins[$"{at}.hosts[{h}]"] = host.Root.Origin;
                var address = host.GetString("address");
                hosts.Add(new HostSettings(host.GetString("id", $"host-{h + 1}"), ParseAddress(address, host.GetValue("address")!.Origin), host.GetInt("weight", 1)));
            }
        }
        else if (hostValue is { Kind: HoconValueKind.Array })
        {
            // Shorthand: hosts = ["http://10.0.0.1:8080", ...], ids host-1, host-2, ...
            var addresses = pool.GetStringList("hosts");
            for (var h = 0; h < addresses.Count; h++)
            {
                origins[$"{at}.hosts[{h}]"] = hostValue.Origin;
                hosts.Add(new HostSettings($"host-{h + 1}", ParseAddress(addresses[h], hostValue.Origin)));
            }
        }

        return new PoolSettings(id, method, priority, [.. hosts], ReadHealthCheck(checks), ReadPassive(checks.GetConfig("passive", Config.Empty)))
        {
            Options = ReadOptions(pool),
            Discovery = pool.HasPath("discovery") ? DiscoveryConfigReader.Read(pool.GetConfig("discovery"), pool.GetValue("discovery")!.Origin) : null,
            Connection = ReadConnection(pool),
        };
    }

    private static StreamListenerSettings ReadStream(Config service, ServiceProtocol protocol)
    {
        var tcp = protocol == ServiceProtocol.Tcp;
        if (!service.HasPath("listen"))
        {
            throw new HoconException(service.Root.Origin, $"protocol = {protocol.Name()} needs listen, the service's own address and port, e.g. listen = \"0.0.0.0:5432\"");
        }
        var (bind, port) = Parsed(service, "listen", StreamListenerSettings.ParseListen);
        return new StreamListenerSettings(
            bind,
            port,
            service.GetDuration("idle-timeout", tcp ? StreamListenerSettings.DefaultTcpIdleTimeout : StreamListenerSettings.DefaultUdpIdleTimeout),
            service.GetDuration("connect-timeout", TimeSpan.FromSeconds(2)),
            Parsed(service, "proxy-protocol", ParseProxyProtocol, "off"),
            service.GetInt("max-connections", tcp ? 0 : StreamListenerSettings.DefaultMaxUdpSessions),
            service.GetInt("max-packets-per-second", 0));
    }

    private static ProxyProtocolVersion ParseProxyProtocol(string text) => text.Trim().ToLowerInvariant() switch
    {
        "off" or "false" or "no" or "none" => ProxyProtocolVersion.Off,
        "v1" or "1" => ProxyProtocolVersion.V1,
        "v2" or "2" => ProxyProtocolVersion.V2,
        _ => throw new FormatException($"proxy-protocol '{text}' must be off, v1 or v2."),
    };

    private static RetrySettings ReadRetries(Config c)
    {
        var d = RetrySettings.Default;
        return new RetrySettings(
            c.GetInt("attempts", d.Attempts),
            ReadStatuses(c, "retry-on", d.RetryOn),
            c.GetInt("budget", d.BudgetPercent),
            c.GetInt("min-per-second", d.MinPerSecond));
    }

    private static BalancingOptions ReadOptions(Config pool)
    {
        var d = BalancingOptions.Default;
        return new BalancingOptions(
            pool.HasPath("hash-key") ? Parsed(pool, "hash-key", HashKey.Parse) : null,
            pool.GetDouble("hash-balance-factor", d.HashBalanceFactor),
            pool.GetDuration("slow-start", d.SlowStart),
            pool.GetInt("panic-threshold", d.PanicThreshold),
            pool.HasPath("affinity") ? ReadAffinity(pool.GetConfig("affinity")) : d.Affinity)
        {
            LoadScope = Parsed(pool, "load-scope", LoadScopeNames.Parse, "node"),
        };
    }

    private static AffinitySettings ReadAffinity(Config c)
    {
        var d = AffinitySettings.None;
        var cookie = d.Cookie;
        return new AffinitySettings(
            Parsed(c, "type", BalancingOptionsRules.ParseAffinityMode, "none"),
            new StickyCookieSettings(
                c.GetString("cookie-name", cookie.Name),
                c.GetBool("http-only", cookie.HttpOnly),
                Parsed(c, "same-site", BalancingOptionsRules.ParseSameSite, "lax"),
                c.GetDuration("max-age", cookie.MaxAge),
                c.GetString("path", cookie.Path)),
            c.GetDuration("timeout", d.ClientIpTimeout));
    }

    private static T Parsed<T>(Config c, string path, Func<string, T> parse, string? fallback = null)
    {
        var value = c.GetValue(path);
        if (value is null)
        {
            return parse(fallback ?? throw new HoconException($"{path} is required"));
        }
        try
        {
            return parse(c.GetString(path));
        }
        catch (FormatException ex)
        {
            throw new HoconException(value.Origin, ex.Message);
        }
    }

    private static HealthCheckSettings ReadHealthCheck(Config c)
    {
        var d = HealthCheckSettings.Default;
        return new HealthCheckSettings(
            c.GetBool("enabled", d.Enabled),
            c.GetString("path", d.Path),
            c.GetDuration("interval", d.Interval),
            c.GetDuration("timeout", d.Timeout),
            c.GetInt("rise", d.Rise),
            c.GetInt("fall", d.Fall),
            ReadStatuses(c, "healthy-statuses", d.HealthyStatuses))
        {
            Send = c.GetString("send", d.Send),
            Expect = c.GetString("expect", d.Expect),
        };
    }

    private static PassiveHealthSettings ReadPassive(Config c)
    {
        var d = PassiveHealthSettings.Default;
        return new PassiveHealthSettings(
            c.GetBool("enabled", d.Enabled),
            c.GetInt("fall", d.Fall),
            ReadStatuses(c, "unhealthy-statuses", d.UnhealthyStatuses),
            c.GetDuration("down-time", d.DownTime));
    }

    private static StatusCodeSet ReadStatuses(Config c, string path, StatusCodeSet fallback)
    {
        var value = c.GetValue(path);
        if (value is null)
        {
            return fallback;
        }
        try
        {
            return value.Kind == HoconValueKind.Array ? StatusCodeSet.Parse(c.GetStringList(path)) : StatusCodeSet.Parse(c.GetString(path));
        }
        catch (FormatException ex)
        {
            throw new HoconException(value.Origin, ex.Message);
        }
    }

    private static Uri ParseAddress(string address, HoconOrigin origin) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri)
            ? uri
            : throw new HoconException(origin, $"host address '{address}' is not an absolute URI like http://10.0.0.5:8080");

    private static IReadOnlyList<Config>? GetConfigListOrNull(this Config config, string path)
    {
        // Null means "not a list of objects" (the caller then reads the string shorthand).
        if (config.GetValue(path) is not HoconArray array)
        {
            return null;
        }
        if (array.Items.Count == 0)
        {
            return [];
        }
        return array.Items[0].Kind == HoconValueKind.Object ? config.GetConfigList(path) : null;
    }

    private static T? Guard<T>(List<string> errors, string at, Func<T> read) where T : class
    {
        try
        {
            return read();
        }
        catch (HoconException ex) when (ex.Line > 0)
        {
            // Position first, as every other configuration error: FILE:LINE:COL: key: reason.
            errors.Add($"{ex.File}:{ex.Line}:{ex.Column}: {at}: {ex.Reason}");
        }
        catch (HoconException ex)
        {
            errors.Add($"{at}: {ex.Message}");
        }
        catch (FormatException ex)
        {
            errors.Add($"{at}: {ex.Message}");
        }
        return null;
    }

    private static string Locate(string error, Dictionary<string, HoconOrigin> origins)
    {
        // The longest known path that prefixes the error is the closest object the operator wrote.
        var best = origins.Keys.Where(error.StartsWith).OrderByDescending(k => k.Length).FirstOrDefault();
        return best is not null && origins[best].Line > 0 ? $"{origins[best]}: {error}" : error;
    }

    private static Func<string, int> KeyOrder(Config services) =>
        name => services.GetValue(Quote(name)) is { } v && v.Origin.Line > 0 ? v.Origin.Line : int.MaxValue;

    private static string Quote(string key) => key.Any(c => c is '.' or '"' or ' ') ? $"\"{key.Replace("\"", "\\\"")}\"" : key;
}
