using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClusterLb.Backend;
using ClusterLb.Hocon;

namespace ClusterLb.Runtime.Security;

/// <summary>
/// The node's own certificate and the cluster CA, loaded and checked at start-up: a wrong path, a wrong password
/// or a certificate the peers would refuse is reported here, naming the file and the key, rather than as a TLS
/// handshake failure on the first connection.
/// </summary>
public sealed class NodeCertificates : IDisposable
{
    private NodeCertificates(X509Certificate2 node, X509Certificate2 ca)
    {
        Node = node;
        Ca = ca;
    }

    /// <summary>The node's certificate with its private key.</summary>
    public X509Certificate2 Node { get; }

    /// <summary>The cluster CA (public certificate only).</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>Loads both files named by <paramref name="settings"/>.</summary>
    /// <exception cref="HoconException">A file is missing, unreadable, the password is wrong, or the node certificate would be refused by peers.</exception>
    public static NodeCertificates Load(ClusterTlsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var ca = LoadCa(settings);
        var node = LoadNode(settings);
        try
        {
            Check(node, ca, settings);
        }
        catch
        {
            node.Dispose();
            ca.Dispose();
            throw;
        }
        return new NodeCertificates(node, ca);
    }

    private static X509Certificate2 LoadCa(ClusterTlsSettings s)
    {
        var path = s.CaPath;
        RequireFile(path, "ca", s);
        try
        {
            var text = File.ReadAllText(path);
            return text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(text)
                : X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new HoconException(s.Origin, $"{ClusterTlsSettings.Key}.ca: cannot read the CA certificate '{path}': {e.Message}", e);
        }
    }

    private static X509Certificate2 LoadNode(ClusterTlsSettings s)
    {
        var path = s.CertificatePath;
        RequireFile(path, "certificate", s);
        X509Certificate2 cert;
        try
        {
            cert = X509CertificateLoader.LoadPkcs12FromFile(path, s.Password.Length == 0 ? null : s.Password, X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException e)
        {
            throw new HoconException(s.Origin,
                $"{ClusterTlsSettings.Key}.certificate: cannot open '{path}' as a PKCS#12 (.pfx) file: {e.Message} (is {ClusterTlsSettings.Key}.password right?)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HoconException(s.Origin, $"{ClusterTlsSettings.Key}.certificate: cannot read '{path}': {e.Message}", e);
        }
        if (!cert.HasPrivateKey)
        {
            cert.Dispose();
            throw new HoconException(s.Origin, $"{ClusterTlsSettings.Key}.certificate: '{path}' holds no private key; the node must prove it owns the certificate");
        }
        return cert;
    }

    // The same checks a peer makes (ClusterCaValidator), run against our own certificate first.
    private static void Check(X509Certificate2 node, X509Certificate2 ca, ClusterTlsSettings s)
    {
        var problem = ClusterCaValidator.Problem(node, ca, extra: null);
        if (problem is not null)
        {
            throw new HoconException(s.Origin,
                $"{ClusterTlsSettings.Key}.certificate: '{s.CertificatePath}' would be refused by the other nodes: {problem} (CA '{s.CaPath}')");
        }
    }

    private static void RequireFile(string path, string key, ClusterTlsSettings s)
    {
        if (!File.Exists(path))
        {
            throw new HoconException(s.Origin, $"{ClusterTlsSettings.Key}.{key}: the file '{path}' does not exist (create it with `clusterlb cert`, see docs/cluster.md)");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Node.Dispose();
        Ca.Dispose();
    }
}
