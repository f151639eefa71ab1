using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Upstreams;

/// <summary>The TLS client options for a pool's <see cref="UpstreamTlsSettings"/>.</summary>
/// <remarks>
/// The HTTP client sets the target host itself, from the request's authority (its Host header, else its URI), and
/// checks the certificate's name against it; a pool's <c>sni</c> therefore becomes the request's Host
/// (ForwardingTransformer and the health probe send it), not <see cref="SslClientAuthenticationOptions.TargetHost"/>.
/// </remarks>
public static class UpstreamTls
{
    /// <summary>The options, or null for the HTTP client's defaults (the system's trust store, no client certificate).</summary>
    /// <exception cref="UpstreamTlsException">A file cannot be used.</exception>
    public static SslClientAuthenticationOptions? Options(UpstreamTlsSettings tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        if (tls.Verify && tls.CaFile is null && tls.ClientCertificateFile is null)
        {
            return null;
        }
        var options = new SslClientAuthenticationOptions();
        if (!tls.Verify)
        {
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (tls.CaFile is { } ca)
        {
            // Only the pool's CA is a trust anchor; the name is still checked by the TLS stack.
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                // A private CA publishes no revocation list.
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(UpstreamCertificates.LoadCa(ca));
            options.CertificateChainPolicy = policy;
        }
        if (tls.ClientCertificateFile is { } certificate)
        {
            var chain = UpstreamCertificates.LoadClientChain(certificate, tls.ClientKeyFile);
            options.ClientCertificateContext = SslStreamCertificateContext.Create(chain[0], new X509Certificate2Collection(chain.Skip(1).ToArray()), offline: true);
        }
        return options;
    }
}
