using Akka.Remote.Transport.DotNetty;

namespace ClusterLb.Runtime.Security;

/// <summary>Builds the <see cref="DotNettySslSetup"/> that gives Akka.Remote mutual TLS against the cluster CA.</summary>
public static class NodeTls
{
    /// <summary>
    /// Mutual TLS with validation on (suppressing it would let any self-signed certificate in), the node's own
    /// certificate, and <see cref="ClusterCaValidator"/> as the only judge of a peer.
    /// </summary>
    public static DotNettySslSetup Setup(NodeCertificates certificates, bool validateHostname)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        return new DotNettySslSetup(
            certificates.Node,
            suppressValidation: false,
            requireMutualAuthentication: true,
            validateCertificateHostname: validateHostname,
            customValidator: ClusterCaValidator.Create(certificates.Ca, validateHostname));
    }
}
