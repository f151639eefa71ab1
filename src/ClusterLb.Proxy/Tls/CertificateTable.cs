using System.Collections.Frozen;
using System.Collections.Immutable;

namespace ClusterLb.Proxy.Tls;

/// <summary>
/// The certificates a handshake chooses from, by SNI: an exact name first, then a wildcard covering the name's
/// leftmost label, else the default. Immutable: a reload builds a new table and swaps it in whole, so a handshake
/// sees either the old set or the new one, never half of each. When two certificates claim a name, the first in
/// configuration order has it.
/// </summary>
public sealed class CertificateTable
{
    private readonly FrozenDictionary<string, ServedCertificate>.AlternateLookup<ReadOnlySpan<char>> _exact;
    private readonly FrozenDictionary<string, ServedCertificate>.AlternateLookup<ReadOnlySpan<char>> _wildcards;

    private CertificateTable(ImmutableArray<ServedCertificate> certificates, int defaultIndex, long generation)
    {
        Certificates = certificates;
        DefaultIndex = defaultIndex;
        Generation = generation;
        var exact = new Dictionary<string, ServedCertificate>(StringComparer.OrdinalIgnoreCase);
        var wildcards = new Dictionary<string, ServedCertificate>(StringComparer.OrdinalIgnoreCase);
        foreach (var certificate in certificates)
        {
            foreach (var name in certificate.Names)
            {
                if (ServerNames.IsWildcard(name))
                {
                    wildcards.TryAdd(name[2..], certificate);
                }
                else
                {
                    exact.TryAdd(name, certificate);
                }
            }
        }
        _exact = exact.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        _wildcards = wildcards.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Every certificate, in configuration order.</summary>
    public ImmutableArray<ServedCertificate> Certificates { get; }

    /// <summary>Index of the certificate served without a matching SNI name.</summary>
    public int DefaultIndex { get; }

    /// <summary>The certificate served without a matching SNI name.</summary>
    public ServedCertificate Default => Certificates[DefaultIndex];

    /// <summary>Counts the tables a store has built: 1 for the first, one more per reload.</summary>
    public long Generation { get; }

    /// <summary>Builds a table; <paramref name="certificates"/> must not be empty.</summary>
    public static CertificateTable Build(ImmutableArray<ServedCertificate> certificates, int defaultIndex, long generation = 1)
    {
        if (certificates.IsDefaultOrEmpty)
        {
            throw new ArgumentException("A certificate table needs at least one certificate.", nameof(certificates));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(defaultIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(defaultIndex, certificates.Length);
        return new CertificateTable(certificates, defaultIndex, generation);
    }

    /// <summary>The certificate for the SNI name a client sent (null or empty: none sent). Never fails.</summary>
    public ServedCertificate Select(string? serverName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            return Default;
        }
        var name = serverName.AsSpan().TrimEnd('.');
        if (_exact.TryGetValue(name, out var exact))
        {
            return exact;
        }
        var dot = name.IndexOf('.');
        if (dot > 0 && _wildcards.TryGetValue(name[(dot + 1)..], out var wildcard))
        {
            return wildcard;
        }
        return Default;
    }
}
