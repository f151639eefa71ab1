using System.Collections.Immutable;

namespace ClusterLb.Balancing.Settings;

/// <summary>Every service a node routes. Build it from HOCON or in code, then call <see cref="Validate"/>.</summary>
/// <param name="Services">The services; request matching prefers specific hosts, then longer path prefixes.</param>
public sealed record BalancingSettings(ImmutableArray<ServiceSettings> Services)
{
    /// <summary>
    /// Checks names, addresses, weights and thresholds and reports every problem at once, each with the
    /// configuration path it belongs to, so an operator fixes the file in one pass.
    /// </summary>
    /// <exception cref="SettingsException">At least one setting is invalid.</exception>
    public BalancingSettings Validate()
    {
        var errors = new List<string>();
        var serviceNames = new HashSet<string>(StringComparer.Ordinal);
        // Pool ids are unique across services: the runtime registry and the admin API address a pool by id alone.
        var poolIds = new Dictionary<string, string>(StringComparer.Ordinal);
        var streamPorts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in Services)
        {
            var at = $"clusterlb.services.{service.Name}";
            CheckName(service.Name, "service name", at, errors);
            if (!serviceNames.Add(service.Name))
            {
                errors.Add($"{at}: duplicate service name '{service.Name}'.");
            }
            ValidateProtocol(service, at, streamPorts, errors);
            if (!service.Match.PathPrefix.StartsWith('/'))
            {
                errors.Add($"{at}.match.path-prefix: must start with '/' (was '{service.Match.PathPrefix}').");
            }
            foreach (var host in service.Match.Hosts)
            {
                if (string.IsNullOrWhiteSpace(host) || host.Contains('/') || host.IndexOf('*', 1) >= 0)
                {
                    errors.Add($"{at}.match.hosts: '{host}' is not a host name or a leading wildcard like '*.example.com'.");
                }
                else if (host.Contains(':') && !host.StartsWith('['))
                {
                    errors.Add($"{at}.match.hosts: '{host}' has a port; match on the name alone (the request's port is ignored).");
                }
            }
            if (service.Pools.IsDefaultOrEmpty)
            {
                errors.Add($"{at}.pools: a service needs at least one pool.");
                continue;
            }
            ValidateRetries(service.Retries, $"{at}.retries", errors);
            var poolErrors = errors.Count;
            for (var p = 0; p < service.Pools.Length; p++)
            {
                ValidatePool(service.Pools[p], service.Protocol, $"{at}.pools[{p}]", poolIds, errors);
            }
            // The checks pools created at runtime get; a bad value the configured pools inherited is reported once.
            var reported = errors.Skip(poolErrors).Select(CheckTail).ToHashSet(StringComparer.Ordinal);
            var runtime = new List<string>();
            ValidateChecks(service.RuntimeHealthCheck, service.RuntimePassive, at, runtime);
            errors.AddRange(runtime.Where(e => !reported.Contains(CheckTail(e))));
        }
        if (errors.Count > 0)
        {
            throw new SettingsException(errors);
        }
        return this;
    }

    private static void ValidateProtocol(ServiceSettings service, string at, Dictionary<string, string> streamPorts, List<string> errors)
    {
        if (service.Protocol == ServiceProtocol.Http)
        {
            if (service.Stream is not null)
            {
                errors.Add($"{at}.listen: only tcp and udp services have their own listener; HTTP services share clusterlb.proxy's.");
            }
            return;
        }
        var protocol = service.Protocol.Name();
        if (service.Stream is not { } stream)
        {
            errors.Add($"{at}.listen: protocol = {protocol} needs listen, e.g. \"0.0.0.0:5432\".");
            return;
        }
        if (!service.Match.Hosts.IsDefaultOrEmpty || service.Match.PathPrefix != "/")
        {
            errors.Add($"{at}.match: a {protocol} service takes every connection on its listener; match applies to HTTP services only.");
        }
        if (stream.Port != 0 && !streamPorts.TryAdd($"{protocol}/{stream.Port}", at))
        {
            errors.Add($"{at}.listen: {protocol} port {stream.Port} is already the listener of {streamPorts[$"{protocol}/{stream.Port}"]}.");
        }
        if (stream.IdleTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{at}.idle-timeout: must be positive (was {stream.IdleTimeout}).");
        }
        if (stream.ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{at}.connect-timeout: must be positive (was {stream.ConnectTimeout}).");
        }
        if (stream.MaxConnections < 0)
        {
            errors.Add($"{at}.max-connections: must not be negative (0 = unbounded; was {stream.MaxConnections}).");
        }
        if (stream.MaxPacketsPerSecond < 0)
        {
            errors.Add($"{at}.max-packets-per-second: must not be negative (0 = unbounded; was {stream.MaxPacketsPerSecond}).");
        }
        if (service.Protocol == ServiceProtocol.Udp && stream.ProxyProtocol != ProxyProtocolVersion.Off)
        {
            errors.Add($"{at}.proxy-protocol: the PROXY protocol header is sent on TCP connections; a udp service cannot send it.");
        }
    }

    private static void ValidateStreamPool(PoolSettings pool, ServiceProtocol protocol, string at, List<string> errors)
    {
        var name = protocol.Name();
        if (pool.Options.Affinity.Mode == AffinityMode.StickyCookie)
        {
            errors.Add($"{at}.affinity.type: a {name} service has no cookies; use client-ip affinity or method = ip-hash.");
        }
        if (pool.Method == BalancingMethod.Hash && pool.Options.HashKey is { Source: not HashKeySource.ClientIp } key)
        {
            errors.Add($"{at}.hash-key: a {name} connection has no '{key}'; the only key is client-ip (or use method = ip-hash).");
        }
        var scheme = pool.Discovery switch
        {
            Discovery.DnsDiscoverySettings dns => dns.Scheme,
            Discovery.KubernetesDiscoverySettings k8s => k8s.Scheme,
            null => name,
            _ => null,
        };
        if (scheme != name)
        {
            errors.Add(scheme is null
                ? $"{at}.discovery: {pool.Discovery!.Type} discovery finds HTTP endpoints; a {name} pool can use dns or kubernetes discovery with scheme = {name}."
                : $"{at}.discovery.scheme: a {name} pool's hosts are {name}:// addresses; set scheme = {name} (was {scheme}).");
        }
    }

    private static void ValidatePool(PoolSettings pool, ServiceProtocol protocol, string at, Dictionary<string, string> poolIds, List<string> errors)
    {
        CheckName(pool.Id, "pool id", at, errors);
        if (!poolIds.TryAdd(pool.Id, at))
        {
            errors.Add($"{at}.id: duplicate pool id '{pool.Id}', already used at {poolIds[pool.Id]}; pool ids must be unique across all services (the admin API addresses pools by id): give this pool a distinct id.");
        }
        if (pool.Hosts.IsDefaultOrEmpty)
        {
            if (pool.Discovery is null)
            {
                errors.Add($"{at}.hosts: a pool needs at least one host, or a discovery block that finds them.");
            }
        }
        else
        {
            var hostIds = new HashSet<string>(StringComparer.Ordinal);
            for (var h = 0; h < pool.Hosts.Length; h++)
            {
                var host = pool.Hosts[h];
                var hostAt = $"{at}.hosts[{h}]";
                CheckName(host.Id, "host id", hostAt, errors);
                if (!hostIds.Add(host.Id))
                {
                    errors.Add($"{hostAt}: duplicate host id '{host.Id}' in pool '{pool.Id}'.");
                }
                if (!protocol.Accepts(host.Address))
                {
                    errors.Add($"{hostAt}.address: '{host.Address}' must be {protocol.AddressForm()} in a {protocol.Name()} service.");
                }
                if (host.Weight is < 1 or > HostSettings.MaxWeight)
                {
                    errors.Add($"{hostAt}.weight: must be between 1 and {HostSettings.MaxWeight} (was {host.Weight}).");
                }
            }
        }

        if (protocol != ServiceProtocol.Http)
        {
            ValidateStreamPool(pool, protocol, at, errors);
        }
        else if (pool.Discovery is Discovery.DnsDiscoverySettings { Scheme: not ("http" or "https") } or Discovery.KubernetesDiscoverySettings { Scheme: not ("http" or "https") })
        {
            errors.Add($"{at}.discovery.scheme: an HTTP service's hosts are http:// or https:// addresses.");
        }
        ValidateChecks(pool.HealthCheck, pool.Passive, at, errors);
        ValidateConnection(pool.Connection, at, errors);
        errors.AddRange(BalancingOptionsRules.Check(pool.Method, pool.Options).Select(p => $"{at}.{p.Option}: {p.Reason}."));
    }

    private static void ValidateConnection(UpstreamConnectionSettings connection, string at, List<string> errors)
    {
        var (tls, keepalive) = (connection.Tls, connection.Keepalive);
        if (tls.Sni is { } sni && Uri.CheckHostName(sni) != UriHostNameType.Dns)
        {
            errors.Add($"{at}.tls.sni: '{sni}' is not a DNS name.");
        }
        if (tls.ClientKeyFile is not null && tls.ClientCertificateFile is null)
        {
            errors.Add($"{at}.tls.client-key: needs tls.client-certificate, the certificate it belongs to.");
        }
        if (keepalive.MaxConnections < 0)
        {
            errors.Add($"{at}.keepalive.max-connections: must be 0 (unbounded) or more (was {keepalive.MaxConnections}).");
        }
        if (keepalive.IdleTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{at}.keepalive.idle-timeout: must be positive (was {keepalive.IdleTimeout}).");
        }
    }

    private static void ValidateRetries(RetrySettings retries, string at, List<string> errors)
    {
        if (retries.Attempts is < 0 or > RetrySettings.MaxAttempts)
        {
            errors.Add($"{at}.attempts: must be from 0 (off) to {RetrySettings.MaxAttempts} (was {retries.Attempts}).");
        }
        if (retries.BudgetPercent is < 0 or > 100)
        {
            errors.Add($"{at}.budget: must be a percentage from 0 to 100 (was {retries.BudgetPercent}).");
        }
        if (retries.MinPerSecond < 0)
        {
            errors.Add($"{at}.min-per-second: must not be negative (was {retries.MinPerSecond}).");
        }
    }

    private static string CheckTail(string error)
    {
        var at = error.IndexOf(".health-check.", StringComparison.Ordinal);
        return at < 0 ? error : error[at..];
    }

    private static void ValidateChecks(HealthCheckSettings check, PassiveHealthSettings passive, string at, List<string> errors)
    {
        if (check.Interval <= TimeSpan.Zero)
        {
            errors.Add($"{at}.health-check.interval: must be positive (was {check.Interval}).");
        }
        if (check.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{at}.health-check.timeout: must be positive (was {check.Timeout}).");
        }
        if (check.Rise < 1)
        {
            errors.Add($"{at}.health-check.rise: must be at least 1 (was {check.Rise}).");
        }
        if (check.Fall < 1)
        {
            errors.Add($"{at}.health-check.fall: must be at least 1 (was {check.Fall}).");
        }
        if (!check.Path.StartsWith('/'))
        {
            errors.Add($"{at}.health-check.path: must start with '/' (was '{check.Path}').");
        }
        if (check.HealthyStatuses.IsEmpty)
        {
            errors.Add($"{at}.health-check.healthy-statuses: no status code would count as healthy.");
        }
        if (passive.Fall < 1)
        {
            errors.Add($"{at}.health-check.passive.fall: must be at least 1 (was {passive.Fall}).");
        }
        if (passive.DownTime <= TimeSpan.Zero)
        {
            errors.Add($"{at}.health-check.passive.down-time: must be positive (was {passive.DownTime}).");
        }
    }

    private static void CheckName(string name, string what, string at, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(name) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors.Add($"{at}: {what} '{name}' must be non-empty and use only letters, digits, '-', '_' and '.'.");
        }
    }
}
