using System.Collections.Immutable;
using System.Net;

namespace ClusterLb.Balancing.Discovery;

/// <summary>
/// <c>discovery.type = dns</c>: the pool's hosts are the answers for <see cref="Name"/>, re-resolved when their TTL
/// runs out (bounded by <see cref="MinInterval"/> and <see cref="Interval"/>), like nginx's <c>resolve</c> and HAProxy's
/// resolvers.
/// </summary>
/// <param name="Name">The name to resolve; one starting with <c>_</c> (<c>_http._tcp.api.internal</c>) is an SRV query.</param>
/// <param name="Record">Which records to ask for.</param>
/// <param name="Port">Port of the hosts found by A/AAAA answers (SRV answers name their own).</param>
/// <param name="Scheme"><c>http</c>, <c>https</c>, <c>tcp</c> or <c>udp</c>: the hosts' address scheme.</param>
/// <param name="Resolvers">Name servers to ask; empty means the system's (<c>/etc/resolv.conf</c>).</param>
/// <param name="Interval">Longest time between two resolutions, whatever the TTL says.</param>
/// <param name="MinInterval">Shortest time between two resolutions, however short the TTL.</param>
/// <param name="Timeout">How long one query may take before the resolution counts as failed.</param>
/// <param name="Hold">
/// How long the last hosts are kept while the name has no answer (NXDOMAIN or no records); a failed resolution
/// (timeout, SERVFAIL) always keeps them.
/// </param>
public sealed record DnsDiscoverySettings(
    string Name,
    DnsRecordKind Record,
    int Port,
    string Scheme,
    ImmutableArray<IPEndPoint> Resolvers,
    TimeSpan Interval,
    TimeSpan MinInterval,
    TimeSpan Timeout,
    TimeSpan Hold) : DiscoverySettings
{
    /// <inheritdoc />
    public override string Type => Registry.HostSources.Dns;

    /// <inheritdoc />
    public override string Summary =>
        $"{Name} ({(Effective == DnsRecordKind.AOrAaaa ? "a+aaaa" : Effective.ToString().ToLowerInvariant())}) from " +
        $"{(Resolvers.IsEmpty ? "the system's resolvers" : string.Join(", ", Resolvers))}, re-resolved at the TTL within " +
        $"{MinInterval.TotalSeconds:0.###}-{Interval.TotalSeconds:0.###} s";

    /// <summary>The record kinds <see cref="DnsRecordKind.Auto"/> stands for with this name.</summary>
    public DnsRecordKind Effective => Record != DnsRecordKind.Auto
        ? Record
        : Name.StartsWith('_') ? DnsRecordKind.Srv : DnsRecordKind.AOrAaaa;
}

/// <summary>The <c>record</c> values of a DNS discovery.</summary>
public enum DnsRecordKind
{
    /// <summary>SRV for a name starting with <c>_</c>, else A and AAAA.</summary>
    Auto,

    /// <summary>A and AAAA (<c>a+aaaa</c>).</summary>
    AOrAaaa,

    /// <summary>IPv4 only.</summary>
    A,

    /// <summary>IPv6 only.</summary>
    Aaaa,

    /// <summary>SRV records, their targets resolved to A/AAAA.</summary>
    Srv,
}
