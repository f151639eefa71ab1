using System.Collections.Immutable;
using ClusterLb.Balancing.Discovery;

namespace ClusterLb.Runtime.Discovery;

/// <summary>What one resolution of a DNS discovery name gave.</summary>
/// <param name="Outcome">Whether the name had answers, had none, or could not be resolved.</param>
/// <param name="Hosts">The hosts found (empty unless <see cref="DnsOutcome.Answered"/>).</param>
/// <param name="Ttl">The shortest TTL among the answers (zero when none).</param>
/// <param name="Error">Why the resolution failed or had no answer; empty when it answered.</param>
public sealed record DnsResolution(DnsOutcome Outcome, ImmutableArray<DiscoveredHost> Hosts, TimeSpan Ttl, string Error)
{
    /// <summary>A failed resolution: the last hosts are kept.</summary>
    public static DnsResolution Failed(string error) => new(DnsOutcome.Failed, [], TimeSpan.Zero, error);

    /// <summary>An authoritative "no such name" or "no records".</summary>
    public static DnsResolution NoAnswer(string error) => new(DnsOutcome.NoAnswer, [], TimeSpan.Zero, error);
}

/// <summary>The kinds of <see cref="DnsResolution"/>.</summary>
public enum DnsOutcome
{
    /// <summary>The name resolved to at least one host.</summary>
    Answered,

    /// <summary>NXDOMAIN, or the name has no records of the kind asked for.</summary>
    NoAnswer,

    /// <summary>No server answered in time, or every server answered with an error (SERVFAIL, REFUSED).</summary>
    Failed,
}
