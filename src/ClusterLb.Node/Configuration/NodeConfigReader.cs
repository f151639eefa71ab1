using System.Collections.Immutable;
using System.Net;
using ClusterLb.Proxy.Forwarding;
using ClusterLb.Balancing.ClusterLoad;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;
using ClusterLb.Node.Hosting;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Admin;
using ClusterLb.Proxy.Observability;
using ClusterLb.Proxy.Tls;
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
        var inlineCompletions = true;
        try
        {
            inlineCompletions = config.GetBool("clusterlb.node.inline-socket-completions", true);
        }
        catch (HoconException ex)
        {
            errors.Add(ex.Message);
        }
        var proxy = Try(errors, () => ReadProxy(config, errors));
        var logFormat = (Try(errors, () => config.GetString("clusterlb.logging.format", "text")) ?? "text").ToLowerInvariant();
        if (logFormat is not ("text" or "json"))
        {
            errors.Add(Located(config, "clusterlb.logging.format", $"must be text or json (was '{logFormat}')"));
        }
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
        var clusterLoad = Try(errors, () => ClusterLoadSettings.FromConfig(config));
        BalancingSettings? balancing = null;
        try
        {
            balancing = BalancingConfigReader.Read(config);
        }
        catch (SettingsException ex)
        {
            errors.AddRange(ex.Errors);
        }
        if (errors.Count > 0 || proxy is null || balancing is null || clusterLoad is null)
        {
            throw new SettingsException(errors);
        }
        return new NodeSettings(string.IsNullOrWhiteSpace(name) ? Environment.MachineName : name, proxy, balancing, config)
        {
            DataDirectory = dataDirectory,
            InlineSocketCompletions = inlineCompletions,
            LogFormat = logFormat,
            ClusterLoad = clusterLoad,
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
        var https = ReadHttps(config, errors);
        if (https is not null)
        {
            foreach (var (other, at) in new[] { (http, "clusterlb.proxy.http"), (http2, "clusterlb.proxy.http2"), (admin, "clusterlb.admin") })
            {
                if (other is not null && other.Port != 0 && other.Port == https.Listener.Port && (other.Bind == https.Listener.Bind || other.Bind is "*" or "0.0.0.0" || https.Listener.Bind is "*" or "0.0.0.0"))
                {
                    var where = config.GetValue($"{at}.port") is { Origin.Line: > 0 } value ? $" ({value.Origin})" : "";
                    errors.Add(Located(config, "clusterlb.proxy.https.port", $"is {https.Listener.Port}, as is {at}.port{where}; give each listener its own port"));
                }
            }
        }
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
        var m = MetricsSettings.Default;
        var metrics = new MetricsSettings(
            config.GetBool("clusterlb.admin.metrics.enabled", m.Enabled),
            config.GetBool("clusterlb.admin.metrics.require-token", m.RequireToken),
            config.GetBool("clusterlb.admin.metrics.runtime", m.RuntimeMetrics));
        if (metrics.Enabled && metrics.RequireToken && !access.HasToken)
        {
            errors.Add(Located(config, "clusterlb.admin.metrics.require-token", "is on but clusterlb.admin.token is empty, so /metrics could never be scraped; set a token"));
        }
        return new ProxySettings(http, http2, admin, drain, config.GetBool("clusterlb.proxy.preserve-host", d.PreserveHost), upstream)
        {
            AdminAccess = access,
            Metrics = metrics,
            AccessLog = ReadAccessLog(config, errors),
            Tracing = ReadTracing(config, errors),
            Limits = ReadLimits(config, errors),
            ClientAddress = ReadClientAddress(config, errors),
            Https = https,
        };
    }

    private static readonly string[] CertificateKeys = ["certificate", "key", "password", "server-names"];

    /// <summary>
    /// <c>clusterlb.proxy.https</c>, null when off. Every certificate is loaded here, so <c>config check</c> and
    /// <c>run</c> refuse a missing file, a key of another certificate or a certificate not meant for servers, each
    /// naming the key (file:line:col) and the file.
    /// </summary>
    private static HttpsSettings? ReadHttps(Config config, List<string> errors)
    {
        const string At = "clusterlb.proxy.https";
        if (!config.GetBool($"{At}.enabled", false))
        {
            return null;
        }
        var listener = ReadListener(config, At, "0.0.0.0", 8443, errors);
        var https = config.GetConfig(At);
        var entries = https.HasPath("certificates") ? https.GetConfigList("certificates") : [];
        if (entries.Count == 0)
        {
            errors.Add(Located(config, $"{At}.enabled",
                "the HTTPS listener is on but lists no certificates; add certificates = [ { certificate = \"site.crt\", key = \"site.key\" } ]"));
        }
        var sources = new List<CertificateSource>();
        var servedNames = new List<ImmutableArray<string>>();
        var claimed = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var at = $"{At}.certificates[{i}]";
            foreach (var unknown in entry.Keys.Where(k => !CertificateKeys.Contains(k)))
            {
                errors.Add(Origin(entry, unknown).Format($"{at}.{unknown}: unknown key (a certificate entry has {string.Join(", ", CertificateKeys)})"));
            }
            var certificate = entry.GetString("certificate", "").Trim();
            var key = entry.GetString("key", "").Trim();
            if (certificate.Length == 0 || key.Length == 0)
            {
                errors.Add(entry.Root.Origin.Format($"{at}: needs both certificate (the PEM certificate or chain) and key (its PEM private key)"));
                continue;
            }
            var names = ImmutableArray.CreateBuilder<string>();
            foreach (var written in entry.GetStringList("server-names", []))
            {
                if (ServerNames.Normalize(written, out var problem) is not { } name)
                {
                    errors.Add(Origin(entry, "server-names").Format($"{at}.server-names: '{written}' {problem}"));
                }
                else if (claimed.TryGetValue(name, out var owner))
                {
                    errors.Add(Origin(entry, "server-names").Format($"{at}.server-names: '{written}' is already served by {owner}; a name picks one certificate"));
                }
                else
                {
                    claimed[name] = at;
                    names.Add(name);
                }
            }
            var source = new CertificateSource(Path.GetFullPath(certificate), Path.GetFullPath(key), names.ToImmutable())
            {
                Password = entry.GetString("password", ""),
                ConfigPath = at,
                CertificateOrigin = Origin(entry, "certificate").ToString(),
                KeyOrigin = Origin(entry, "key").ToString(),
            };
            try
            {
                var loaded = PemCertificateLoader.Load(source);
                servedNames.Add(loaded.Names);
                loaded.Leaf.Dispose();
            }
            catch (CertificateLoadException e)
            {
                errors.Add(e.Message);
                servedNames.Add(source.ServerNames);
            }
            sources.Add(source);
        }

        var defaultText = https.GetString("default-certificate", "").Trim();
        var defaultIndex = 0;
        if (defaultText.Length > 0)
        {
            var wanted = ServerNames.Normalize(defaultText, out _);
            defaultIndex = sources.FindIndex(s => s.Certificate == Path.GetFullPath(defaultText));
            if (defaultIndex < 0 && wanted is not null)
            {
                defaultIndex = servedNames.FindIndex(n => n.Contains(wanted));
            }
            if (defaultIndex < 0)
            {
                errors.Add(Located(config, $"{At}.default-certificate",
                    $"'{defaultText}' is neither a server name nor the certificate file of an entry in {At}.certificates (\"\" = the first entry)"));
                defaultIndex = 0;
            }
        }

        var minText = https.GetString("min-version", "1.2").Trim();
        TlsMinVersion? min = minText.ToLowerInvariant().Replace("tlsv", "").Replace("tls", "") switch
        {
            "1.2" => TlsMinVersion.Tls12,
            "1.3" => TlsMinVersion.Tls13,
            _ => null,
        };
        if (min is null)
        {
            errors.Add(Located(config, $"{At}.min-version", $"must be 1.2 or 1.3 (was '{minText}'; TLS 1.0 and 1.1 are not offered, RFC 8996)"));
        }

        var protocols = ImmutableArray.CreateBuilder<System.Net.Security.SslApplicationProtocol>();
        foreach (var text in https.GetStringList("protocols", ["h2", "http/1.1"]))
        {
            System.Net.Security.SslApplicationProtocol? protocol = text.Trim().ToLowerInvariant() switch
            {
                "h2" => System.Net.Security.SslApplicationProtocol.Http2,
                "http/1.1" => System.Net.Security.SslApplicationProtocol.Http11,
                _ => null,
            };
            if (protocol is null)
            {
                errors.Add(Located(config, $"{At}.protocols", $"'{text}' is not offered; list h2 and/or http/1.1 (ALPN names, in order of preference)"));
            }
            else if (!protocols.Contains(protocol.Value))
            {
                protocols.Add(protocol.Value);
            }
        }
        if (protocols.Count == 0 && !errors.Any(e => e.Contains($"{At}.protocols", StringComparison.Ordinal)))
        {
            errors.Add(Located(config, $"{At}.protocols", "is empty; list h2 and/or http/1.1"));
        }

        var handshakeTimeout = https.GetDuration("handshake-timeout", TimeSpan.FromSeconds(10));
        if (handshakeTimeout <= TimeSpan.Zero)
        {
            errors.Add(Located(config, $"{At}.handshake-timeout", "must be positive"));
        }
        var reloadInterval = https.GetDuration("reload-interval", TimeSpan.FromSeconds(10));
        if (reloadInterval < TimeSpan.Zero)
        {
            errors.Add(Located(config, $"{At}.reload-interval", "must not be negative (0 = watch the files only)"));
        }
        var redirectPort = https.GetInt("redirect-port", 0);
        if (redirectPort is < 0 or > 65535)
        {
            errors.Add(Located(config, $"{At}.redirect-port", $"must be between 0 and 65535 (was {redirectPort}; 0 = the HTTPS listener's port)"));
        }
        return new HttpsSettings(listener, [.. sources], defaultIndex, min ?? TlsMinVersion.Tls12, protocols.ToImmutable())
        {
            HandshakeTimeout = handshakeTimeout > TimeSpan.Zero ? handshakeTimeout : TimeSpan.FromSeconds(10),
            ReloadInterval = reloadInterval,
            RedirectHttp = https.GetBool("redirect-http", false),
            RedirectPort = redirectPort,
        };
    }

    private static HoconOrigin Origin(Config entry, string key) =>
        entry.GetValue(key.Any(c => c is '.' or '"' or ' ') ? $"\"{key.Replace("\"", "\\\"")}\"" : key) is { Origin.Line: > 0 } value ? value.Origin : entry.Root.Origin;

    private static TracingSettings ReadTracing(Config config, List<string> errors)
    {
        const string At = "clusterlb.tracing";
        var d = TracingSettings.Default;
        var endpointText = config.GetString($"{At}.endpoint", d.Endpoint.ToString());
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            errors.Add(Located(config, $"{At}.endpoint", $"must be an http:// or https:// URL (was '{endpointText}')"));
            endpoint = d.Endpoint;
        }
        var protocolText = config.GetString($"{At}.protocol", "grpc");
        TracingProtocol? protocol = protocolText.ToLowerInvariant() switch
        {
            "grpc" => TracingProtocol.Grpc,
            "http/protobuf" => TracingProtocol.HttpProtobuf,
            _ => null,
        };
        if (protocol is null)
        {
            errors.Add(Located(config, $"{At}.protocol", $"must be grpc or http/protobuf (was '{protocolText}')"));
        }
        var ratio = config.GetDouble($"{At}.sample-ratio", d.SampleRatio);
        if (ratio is < 0 or > 1 || double.IsNaN(ratio))
        {
            errors.Add(Located(config, $"{At}.sample-ratio", $"must be between 0 and 1 (was {ratio.ToString(System.Globalization.CultureInfo.InvariantCulture)})"));
        }
        return new TracingSettings(config.GetBool($"{At}.enabled", d.Enabled), endpoint, protocol ?? d.Protocol, ratio);
    }

    private static AccessLogSettings ReadAccessLog(Config config, List<string> errors)
    {
        const string At = "clusterlb.access-log";
        var d = AccessLogSettings.Default;
        var formatText = config.GetString($"{At}.format", "json");
        var format = formatText.ToLowerInvariant() switch
        {
            "json" => AccessLogFormat.Json,
            "text" => AccessLogFormat.Text,
            _ => (AccessLogFormat?)null,
        };
        if (format is null)
        {
            errors.Add(Located(config, $"{At}.format", $"must be json or text (was '{formatText}')"));
        }
        var settings = new AccessLogSettings(
            config.GetBool($"{At}.enabled", d.Enabled),
            format ?? d.Format,
            config.GetString($"{At}.path", d.Path),
            config.GetBytes($"{At}.max-file-size", d.MaxFileSize),
            config.GetInt($"{At}.max-files", d.MaxFiles),
            config.GetDouble($"{At}.sample-rate", d.SampleRate),
            config.GetInt($"{At}.queue-size", d.QueueSize));
        if (settings.MaxFileSize < 1024)
        {
            errors.Add(Located(config, $"{At}.max-file-size", $"must be at least 1 KiB (was {settings.MaxFileSize} bytes)"));
        }
        if (settings.MaxFiles < 1)
        {
            errors.Add(Located(config, $"{At}.max-files", $"must be at least 1 (was {settings.MaxFiles})"));
        }
        if (settings.SampleRate is < 0 or > 1 || double.IsNaN(settings.SampleRate))
        {
            errors.Add(Located(config, $"{At}.sample-rate", $"must be between 0 and 1 (was {settings.SampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture)})"));
        }
        if (settings.QueueSize < 1)
        {
            errors.Add(Located(config, $"{At}.queue-size", $"must be at least 1 (was {settings.QueueSize})"));
        }
        return settings;
    }

    private static ProxyLimits ReadLimits(Config config, List<string> errors)
    {
        const string At = "clusterlb.proxy.limits";
        var d = ProxyLimits.Default;
        var limits = new ProxyLimits(
            config.GetBytes($"{At}.max-request-headers-size", d.MaxRequestHeadersSize),
            config.GetBytes($"{At}.max-request-body-size", d.MaxRequestBodySize),
            config.GetDuration($"{At}.request-headers-timeout", d.RequestHeadersTimeout),
            config.GetBytes($"{At}.min-request-body-rate", (long)d.MinRequestBodyRate),
            config.GetDuration($"{At}.min-request-body-rate-grace", d.MinRequestBodyRateGrace),
            config.GetDuration($"{At}.keep-alive-timeout", d.KeepAliveTimeout),
            config.GetLong($"{At}.max-concurrent-connections", d.MaxConcurrentConnections))
        {
            RateLimit = new ClientRateLimit(
                config.GetBool($"{At}.rate-limit.enabled", d.RateLimit.Enabled),
                config.GetInt($"{At}.rate-limit.requests-per-second", d.RateLimit.RequestsPerSecond),
                config.GetInt($"{At}.rate-limit.burst", d.RateLimit.Burst)),
        };
        if (limits.RateLimit.RequestsPerSecond < 1)
        {
            errors.Add(Located(config, $"{At}.rate-limit.requests-per-second", $"must be at least 1 (was {limits.RateLimit.RequestsPerSecond})"));
        }
        if (limits.RateLimit.Burst < 1)
        {
            errors.Add(Located(config, $"{At}.rate-limit.burst", $"must be at least 1 (was {limits.RateLimit.Burst})"));
        }
        if (limits.MaxRequestHeadersSize is < 1024 or > int.MaxValue)
        {
            errors.Add(Located(config, $"{At}.max-request-headers-size", $"must be between 1k and 2g bytes (was {limits.MaxRequestHeadersSize})"));
        }
        if (limits.MaxRequestBodySize < 0)
        {
            errors.Add(Located(config, $"{At}.max-request-body-size", "must not be negative (0 = unbounded)"));
        }
        if (limits.RequestHeadersTimeout <= TimeSpan.Zero)
        {
            errors.Add(Located(config, $"{At}.request-headers-timeout", "must be positive"));
        }
        if (limits.MinRequestBodyRate < 0)
        {
            errors.Add(Located(config, $"{At}.min-request-body-rate", "must not be negative (0 = no minimum)"));
        }
        if (limits.MinRequestBodyRate > 0 && limits.MinRequestBodyRateGrace < TimeSpan.FromSeconds(1))
        {
            errors.Add(Located(config, $"{At}.min-request-body-rate-grace", "must be at least 1s (Kestrel checks rates once a second)"));
        }
        if (limits.KeepAliveTimeout <= TimeSpan.Zero)
        {
            errors.Add(Located(config, $"{At}.keep-alive-timeout", "must be positive"));
        }
        if (limits.MaxConcurrentConnections < 0)
        {
            errors.Add(Located(config, $"{At}.max-concurrent-connections", "must not be negative (0 = unbounded)"));
        }
        return limits;
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
