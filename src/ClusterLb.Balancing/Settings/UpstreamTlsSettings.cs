namespace ClusterLb.Balancing.Settings;

/// <summary>How a pool's connections to https:// hosts are secured (the pool's <c>tls</c> block).</summary>
/// <param name="Sni">
/// The name sent as SNI and checked against the host's certificate; null for the host's own name from its address
/// (an IP address sends no SNI and is checked against the certificate's IP addresses). When set, it is also the
/// Host the backend sees: .NET's HTTP client takes SNI from the request's authority.
/// </param>
/// <param name="Verify">Check the host's certificate chain and name; false accepts any certificate.</param>
/// <param name="CaFile">PEM file of the CA certificate(s) the host's chain must end in (only those); null for the system's trust store.</param>
/// <param name="ClientCertificateFile">PEM certificate (leaf first, then any intermediates) the proxy shows when a host asks for one; null for none.</param>
/// <param name="ClientKeyFile">PEM private key of <paramref name="ClientCertificateFile"/>; null when the key is in the certificate file.</param>
public sealed record UpstreamTlsSettings(string? Sni, bool Verify, string? CaFile, string? ClientCertificateFile, string? ClientKeyFile)
{
    /// <summary>Verify against the system's trust store, SNI from the address, no client certificate.</summary>
    public static UpstreamTlsSettings Default { get; } = new(null, true, null, null, null);
}
