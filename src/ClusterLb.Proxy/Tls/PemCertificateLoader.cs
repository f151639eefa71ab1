using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ClusterLb.Proxy.Tls;

/// <summary>
/// Reads one <see cref="CertificateSource"/>: a PEM certificate file (leaf first, then intermediates) and its PEM
/// private key. Every way the pair can be wrong is reported as a <see cref="CertificateLoadException"/> that names
/// the file at fault: missing or unreadable, no PEM certificate, no or an unreadable key, a key of another
/// certificate, a certificate not meant for servers.
/// </summary>
public static class PemCertificateLoader
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>Reads both files and loads them.</summary>
    /// <exception cref="CertificateLoadException">Either file is missing, unreadable or wrong.</exception>
    public static ServedCertificate Load(CertificateSource source)
    {
        var (certificate, key) = ReadFiles(source);
        return Load(source, certificate, key);
    }

    /// <summary>Both files' bytes, as read now.</summary>
    /// <exception cref="CertificateLoadException">A file is missing or cannot be read.</exception>
    public static (byte[] Certificate, byte[] Key) ReadFiles(CertificateSource source) =>
        (ReadFile(source, source.Certificate, keyFile: false), ReadFile(source, source.Key, keyFile: true));

    /// <summary>The hash <see cref="ServedCertificate.ContentHash"/> holds for these file contents.</summary>
    public static string HashOf(byte[] certificate, byte[] key)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(certificate);
        sha.AppendData([0]);
        sha.AppendData(key);
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    /// <summary>Loads the pair from file contents already read.</summary>
    /// <exception cref="CertificateLoadException">The contents are not a matching PEM certificate and key.</exception>
    public static ServedCertificate Load(CertificateSource source, byte[] certificateBytes, byte[] keyBytes)
    {
        var certificateText = Encoding.UTF8.GetString(certificateBytes);
        var keyText = Encoding.UTF8.GetString(keyBytes);
        var chain = ReadCertificates(source, certificateText);
        X509Certificate2 withKey;
        using (var leaf = chain[0])
        {
            withKey = AttachKey(source, leaf, keyText);
        }
        try
        {
            CheckServerUsage(source, withKey);
            if (OperatingSystem.IsWindows())
            {
                // SChannel cannot use an ephemeral key; a PKCS#12 round trip gives it a persisted one.
                var pfx = withKey.Export(X509ContentType.Pkcs12);
                withKey.Dispose();
                withKey = X509CertificateLoader.LoadPkcs12(pfx, null);
            }
            var intermediates = new X509Certificate2Collection();
            for (var i = 1; i < chain.Count; i++)
            {
                intermediates.Add(chain[i]);
            }
            // offline: the chain is built from the file's certificates and the machine's store, never fetched.
            var context = SslStreamCertificateContext.Create(withKey, intermediates, offline: true);
            var names = source.ServerNames.IsDefaultOrEmpty ? NamesOf(withKey) : source.ServerNames;
            return new ServedCertificate(source, withKey, context, names, HashOf(certificateBytes, keyBytes));
        }
        catch (CryptographicException e)
        {
            withKey.Dispose();
            throw new CertificateLoadException(source, keyFile: false, $"cannot use the certificate in '{source.Certificate}': {e.Message}", e);
        }
        catch
        {
            withKey.Dispose();
            throw;
        }
    }

    /// <summary>The DNS names a certificate is valid for: its subject alternative names, else its common name.</summary>
    public static ImmutableArray<string> NamesOf(X509Certificate2 certificate)
    {
        var names = ImmutableArray.CreateBuilder<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                foreach (var dns in san.EnumerateDnsNames())
                {
                    if (ServerNames.Normalize(dns, out _) is { } name && !names.Contains(name))
                    {
                        names.Add(name);
                    }
                }
            }
        }
        if (names.Count == 0 && certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) is { Length: > 0 } cn
            && ServerNames.Normalize(cn, out _) is { } common)
        {
            names.Add(common);
        }
        return names.ToImmutable();
    }

    private static byte[] ReadFile(CertificateSource source, string path, bool keyFile)
    {
        if (path.Trim().Length == 0)
        {
            throw new CertificateLoadException(source, keyFile, "is empty: name a PEM file");
        }
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CertificateLoadException(source, keyFile, $"the file '{Path.GetFullPath(path)}' does not exist", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CertificateLoadException(source, keyFile, $"cannot read '{Path.GetFullPath(path)}': {e.Message}", e);
        }
    }

    private static List<X509Certificate2> ReadCertificates(CertificateSource source, string text)
    {
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(text);
        }
        catch (CryptographicException e)
        {
            throw new CertificateLoadException(source, keyFile: false, $"'{source.Certificate}' holds a malformed PEM certificate: {e.Message}", e);
        }
        if (collection.Count == 0)
        {
            var hint = text.Contains("PRIVATE KEY-----", StringComparison.Ordinal) ? " (it holds a private key: are certificate and key swapped?)" : "";
            throw new CertificateLoadException(source, keyFile: false, $"'{source.Certificate}' holds no PEM certificate (a -----BEGIN CERTIFICATE----- block){hint}");
        }
        return [.. collection];
    }

    private static X509Certificate2 AttachKey(CertificateSource source, X509Certificate2 leaf, string keyText)
    {
        if (!keyText.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            var hint = keyText.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal) ? " (it holds a certificate: are certificate and key swapped?)" : "";
            throw new CertificateLoadException(source, keyFile: true, $"'{source.Key}' holds no PEM private key (a -----BEGIN PRIVATE KEY----- block){hint}");
        }
        var encrypted = keyText.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal);
        if (encrypted && source.Password.Length == 0)
        {
            throw new CertificateLoadException(source, keyFile: true, $"'{source.Key}' is encrypted: set password");
        }
        if (leaf.GetRSAPublicKey() is { } rsaPublic)
        {
            rsaPublic.Dispose();
            using var rsa = RSA.Create();
            Import(source, rsa, keyText, encrypted, "RSA");
            return Attach(source, () => leaf.CopyWithPrivateKey(rsa));
        }
        if (leaf.GetECDsaPublicKey() is { } ecPublic)
        {
            ecPublic.Dispose();
            using var ec = ECDsa.Create();
            Import(source, ec, keyText, encrypted, "EC");
            return Attach(source, () => leaf.CopyWithPrivateKey(ec));
        }
        throw new CertificateLoadException(source, keyFile: false, $"'{source.Certificate}' has a {leaf.PublicKey.Oid.FriendlyName ?? leaf.PublicKey.Oid.Value} key; only RSA and ECDSA certificates are served");
    }

    private static void Import(CertificateSource source, AsymmetricAlgorithm key, string text, bool encrypted, string kind)
    {
        try
        {
            if (encrypted)
            {
                key.ImportFromEncryptedPem(text, source.Password);
            }
            else
            {
                key.ImportFromPem(text);
            }
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            var why = encrypted && e is CryptographicException ? "wrong password or " : "";
            throw new CertificateLoadException(source, keyFile: true,
                $"cannot read '{source.Key}' as the {kind} private key the certificate needs ({why}{e.Message.TrimEnd('.')})", e);
        }
    }

    private static X509Certificate2 Attach(CertificateSource source, Func<X509Certificate2> attach)
    {
        try
        {
            return attach();
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            throw new CertificateLoadException(source, keyFile: true,
                $"the private key in '{source.Key}' does not belong to the certificate in '{source.Certificate}' (their public keys differ)", e);
        }
    }

    private static void CheckServerUsage(CertificateSource source, X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509EnhancedKeyUsageExtension eku && eku.EnhancedKeyUsages.Count > 0
                && !eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == ServerAuthOid))
            {
                throw new CertificateLoadException(source, keyFile: false,
                    $"'{source.Certificate}' is not for servers: its extended key usage lacks serverAuth (1.3.6.1.5.5.7.3.1)");
            }
        }
    }
}
