using System.Collections.Immutable;
using System.Net;
using ClusterLb.Balancing.Discovery;
using ClusterLb.Balancing.Settings;
using DnsClient;
using DnsClient.Protocol;

namespace ClusterLb.Runtime.Discovery;

/// <summary>
/// Resolves a DNS discovery name to hosts with DnsClient.NET: A and/or AAAA answers at the configured port, or SRV
/// answers (the lowest priority present, RFC 2782) with their targets resolved from the additional section or by a
/// further A/AAAA query. No cache: every resolution asks the servers, and the shortest TTL seen says when to ask again.
/// </summary>
public sealed class DnsHostResolver
{
    private readonly DnsDiscoverySettings _settings;
    private readonly LookupClient _client;

    /// <summary>Creates a resolver asking <paramref name="settings"/>' resolvers (the system's when none are given).</summary>
    public DnsHostResolver(DnsDiscoverySettings settings)
    {
        _settings = settings;
        var options = settings.Resolvers.IsEmpty
            ? new LookupClientOptions()
            : new LookupClientOptions(settings.Resolvers.Select(r => new NameServer(r)).ToArray());
        options.UseCache = false;
        options.Timeout = settings.Timeout;
        options.Retries = 1;
        options.ThrowDnsErrors = false;
        options.UseTcpFallback = true;
        _client = new LookupClient(options);
    }

    /// <summary>Resolves the name once.</summary>
    public async Task<DnsResolution> ResolveAsync(CancellationToken cancellation)
    {
        try
        {
            return _settings.Effective == DnsRecordKind.Srv
                ? await ResolveSrvAsync(cancellation).ConfigureAwait(false)
                : await ResolveAddressesAsync(_settings.Name, _settings.Port, _settings.Weight, cancellation).ConfigureAwait(false);
        }
        catch (DnsResponseException ex)
        {
            return DnsResolution.Failed($"{_settings.Name}: {ex.Message}");
        }
    }

    private async Task<DnsResolution> ResolveAddressesAsync(string name, int port, int weight, CancellationToken cancellation)
    {
        var kinds = _settings.Effective switch
        {
            DnsRecordKind.A => [QueryType.A],
            DnsRecordKind.Aaaa => [QueryType.AAAA],
            _ => new[] { QueryType.A, QueryType.AAAA },
        };
        var hosts = ImmutableArray.CreateBuilder<DiscoveredHost>();
        var ttl = TimeSpan.MaxValue;
        var noAnswer = new List<string>();
        foreach (var kind in kinds)
        {
            var response = await _client.QueryAsync(name, kind, QueryClass.IN, cancellation).ConfigureAwait(false);
            if (Failure(response) is { } failed)
            {
                return failed;
            }
            var addresses = response.Answers.OfType<AddressRecord>().ToList();
            if (addresses.Count == 0)
            {
                noAnswer.Add(NoAnswerText(response, kind));
                continue;
            }
            foreach (var record in addresses)
            {
                hosts.Add(new DiscoveredHost(Address(record.Address, port), weight));
                ttl = Min(ttl, record.TimeToLive);
            }
        }
        return hosts.Count == 0
            ? DnsResolution.NoAnswer($"{name}: {string.Join("; ", noAnswer)}")
            : new DnsResolution(DnsOutcome.Answered, hosts.ToImmutable(), ttl, "");
    }

    private async Task<DnsResolution> ResolveSrvAsync(CancellationToken cancellation)
    {
        var response = await _client.QueryAsync(_settings.Name, QueryType.SRV, QueryClass.IN, cancellation).ConfigureAwait(false);
        if (Failure(response) is { } failed)
        {
            return failed;
        }
        var records = response.Answers.SrvRecords().ToList();
        if (records.Count == 0)
        {
            return DnsResolution.NoAnswer($"{_settings.Name}: {NoAnswerText(response, QueryType.SRV)}");
        }
        var lowest = records.Min(r => r.Priority);
        var hosts = ImmutableArray.CreateBuilder<DiscoveredHost>();
        var ttl = TimeSpan.MaxValue;
        foreach (var srv in records.Where(r => r.Priority == lowest))
        {
            ttl = Min(ttl, srv.TimeToLive);
            var weight = Math.Clamp((int)srv.Weight, 1, HostSettings.MaxWeight);
            var glue = response.Additionals.OfType<AddressRecord>().Where(a => a.DomainName.Value.Equals(srv.Target.Value, StringComparison.OrdinalIgnoreCase)).ToList();
            if (glue.Count > 0)
            {
                foreach (var a in glue)
                {
                    hosts.Add(new DiscoveredHost(Address(a.Address, srv.Port), weight));
                    ttl = Min(ttl, a.TimeToLive);
                }
                continue;
            }
            var target = await ResolveAddressesAsync(srv.Target.Value, srv.Port, weight, cancellation).ConfigureAwait(false);
            if (target.Outcome == DnsOutcome.Failed)
            {
                // One target that cannot be resolved would drop its host; keep the last answer instead.
                return target;
            }
            hosts.AddRange(target.Hosts);
            if (target.Outcome == DnsOutcome.Answered)
            {
                ttl = target.Ttl < ttl ? target.Ttl : ttl;
            }
        }
        return hosts.Count == 0
            ? DnsResolution.NoAnswer($"{_settings.Name}: no SRV target has an address")
            : new DnsResolution(DnsOutcome.Answered, hosts.ToImmutable(), ttl, "");
    }

    private static DnsResolution? Failure(IDnsQueryResponse response) =>
        response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain
            ? DnsResolution.Failed($"{response.Questions.FirstOrDefault()?.QueryName}: {response.ErrorMessage}")
            : null;

    private static string NoAnswerText(IDnsQueryResponse response, QueryType kind) =>
        response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain ? "no such name (NXDOMAIN)" : $"no {kind} records";

    private Uri Address(IPAddress address, int port) =>
        new UriBuilder(_settings.Scheme, address.ToString(), port).Uri;

    private static TimeSpan Min(TimeSpan ttl, int seconds) => TimeSpan.FromSeconds(Math.Max(0, seconds)) is var t && t < ttl ? t : ttl;
}
