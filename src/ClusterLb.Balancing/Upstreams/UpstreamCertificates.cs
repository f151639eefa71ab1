using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClusterLb.Balancing.Upstreams;

/// <summary>Reads the PEM files a pool's <c>tls</c> block names.</summary>
public static class UpstreamCertificates
{
    /// <summary>The CA certificates in <paramref name="path"/> (one or more PEM blocks).</summary>
    /// <exception cref="UpstreamTlsException">The file cannot be read or holds no certificate.</exception>
    public static X509Certificate2Collection LoadCa(string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new UpstreamTlsException($"cannot read CA certificates from {path}: {ex.Message}", ex);
        }
        return certificates.Count > 0 ? certificates : throw new UpstreamTlsException($"{path} holds no PEM certificate");
    }

    /// <summary>
    /// The client certificate in <paramref name="certificatePath"/> with its private key (from <paramref name="keyPath"/>,
    /// or from the certificate file when null) first, then any intermediates that follow it in the file.
    /// </summary>
    /// <exception cref="UpstreamTlsException">A file cannot be read, or the key does not belong to the certificate.</exception>
    public static X509Certificate2Collection LoadClientChain(string certificatePath, string? keyPath)
    {
        var chain = new X509Certificate2Collection();
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            // A PKCS#12 round trip gives the key a form every platform's TLS stack can sign with.
            chain.Add(X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null));
            var all = new X509Certificate2Collection();
            all.ImportFromPemFile(certificatePath);
            foreach (var intermediate in all.Skip(1))
            {
                chain.Add(intermediate);
            }
            all[0].Dispose();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            foreach (var loaded in chain)
            {
                loaded.Dispose();
            }
            var key = keyPath is null ? $"the key in {certificatePath}" : keyPath;
            throw new UpstreamTlsException($"cannot load the client certificate {certificatePath} with {key}: {ex.Message}", ex);
        }
        return chain;
    }
}
