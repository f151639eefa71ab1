using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Transport.DotNetty;

namespace ClusterLb.Backend;

/// <summary>
/// Mutual TLS against the cluster's own CA, as every member of a ClusterLb cluster speaks it: ClusterLb nodes, and
/// backend services that join with a certificate from <c>clusterlb cert create-node</c>. Add the setup to the
/// actor system's <c>BootstrapSetup</c> (Akka.Hosting: <c>AddSetup</c>) with <c>akka.remote.dot-netty.tcp.enable-ssl = on</c>.
/// </summary>
public static class ClusterTls
{
    /// <summary>
    /// Mutual TLS with validation on (suppressing it would let any self-signed certificate in), the member's own
    /// certificate, and <see cref="ClusterCaValidator"/> as the only judge of a peer.
    /// </summary>
    public static DotNettySslSetup Setup(X509Certificate2 member, X509Certificate2 ca, bool validateHostname = false)
    {
        ArgumentNullException.ThrowIfNull(member);
        return new DotNettySslSetup(
            member,
            suppressValidation: false,
            requireMutualAuthentication: true,
            validateCertificateHostname: validateHostname,
            customValidator: ClusterCaValidator.Create(ca, validateHostname));
    }

    /// <summary>
    /// <see cref="Setup"/> from the files <c>clusterlb cert create-node</c> writes: the member's PKCS#12 file (with
    /// its key) and the CA's PEM certificate.
    /// </summary>
    public static DotNettySslSetup Load(string memberPfx, string? password, string caPem) =>
        Setup(X509CertificateLoader.LoadPkcs12FromFile(memberPfx, password), X509Certificate2.CreateFromPem(File.ReadAllText(caPem)));
}
