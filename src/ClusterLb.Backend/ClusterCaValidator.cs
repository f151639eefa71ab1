using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace ClusterLb.Backend;

/// <summary>
/// Accepts a peer only when its certificate chains to the cluster's own CA and is meant for both ends of a node
/// link (serverAuth and clientAuth), on ClusterLb nodes and on backend members alike. The machine's trust store is
/// deliberately not consulted: a certificate from a public CA, or from another cluster's CA, must not make its holder
/// a member.
/// </summary>
public static class ClusterCaValidator
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>The validator to pass to <see cref="DotNettySslSetup"/>.</summary>
    /// <param name="ca">The cluster CA.</param>
    /// <param name="validateHostname">Also refuse a server certificate whose names do not include the host dialled.</param>
    public static CertificateValidationCallback Create(X509Certificate2 ca, bool validateHostname)
    {
        ArgumentNullException.ThrowIfNull(ca);
        return (certificate, chain, remotePeer, errors, log) =>
        {
            if (certificate is null)
            {
                log.Warning("Refused TLS peer {0}: it presented no certificate (mutual TLS is required)", remotePeer);
                return false;
            }
            // SslStream reports a name mismatch only where it knows the expected name: on the dialling side.
            if (validateHostname && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            {
                log.Warning("Refused TLS peer {0}: certificate {1} does not name the host dialled (clusterlb.cluster.tls.validate-hostname = on)", remotePeer, certificate.Subject);
                return false;
            }
            var problem = Problem(certificate, ca, chain);
            if (problem is not null)
            {
                log.Warning("Refused TLS peer {0}: certificate {1} (issuer {2}): {3}", remotePeer, certificate.Subject, certificate.Issuer, problem);
                return false;
            }
            return true;
        };
    }

    /// <summary>Why <paramref name="certificate"/> is not acceptable, or null when it is.</summary>
    /// <param name="certificate">The peer's (or our own) certificate.</param>
    /// <param name="ca">The only trust anchor.</param>
    /// <param name="extra">The chain the peer sent, whose intermediates may be needed.</param>
    public static string? Problem(X509Certificate2 certificate, X509Certificate2 ca, X509Chain? extra)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(ca);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        // A private CA publishes no revocation list; revocation is done by replacing the CA.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (extra is not null)
        {
            foreach (var element in extra.ChainElements)
            {
                if (!element.Certificate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }
        }
        if (!chain.Build(certificate))
        {
            var status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            return $"not issued by the cluster CA {ca.Subject} ({(status.Length > 0 ? status : "untrusted chain")})";
        }
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>()).Select(o => o.Value).ToHashSet();
        if (!usages.Contains(ServerAuth) || !usages.Contains(ClientAuth))
        {
            return "lacks the extended key usages serverAuth and clientAuth that both ends of a node link need";
        }
        return null;
    }
}
