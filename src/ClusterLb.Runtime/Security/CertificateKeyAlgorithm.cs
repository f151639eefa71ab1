namespace ClusterLb.Runtime.Security;

/// <summary>The key type of a certificate made by <see cref="CertificateFactory"/>.</summary>
public enum CertificateKeyAlgorithm
{
    /// <summary>ECDSA on NIST P-256: generated in about a millisecond, small handshakes (the default).</summary>
    EcdsaP256,

    /// <summary>RSA 2048: for peers or tooling that only take RSA.</summary>
    Rsa2048,
}
