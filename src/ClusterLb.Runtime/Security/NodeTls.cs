using Akka.Remote.Transport.DotNetty;
using ClusterLb.Backend;

namespace ClusterLb.Runtime.Security;

/// <summary>Builds the <see cref="DotNettySslSetup"/> that gives a node's Akka.Remote mutual TLS against the cluster CA.</summary>
public static class NodeTls
{
    /// <summary>The cluster's TLS (<see cref="ClusterTls"/>, as backend members speak it) with the node's certificates.</summary>
    public static DotNettySslSetup Setup(NodeCertificates certificates, bool validateHostname)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        return ClusterTls.Setup(certificates.Node, certificates.Ca, validateHostname);
    }
}
