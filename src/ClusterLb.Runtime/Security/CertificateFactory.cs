using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClusterLb.Runtime.Security;

/// <summary>
/// Makes the cluster's private CA and node certificates signed by it (what <c>clusterlb cert</c> runs), with
/// System.Security.Cryptography only, so a cluster can be secured without openssl at hand.
/// </summary>
public static class CertificateFactory
{
    /// <summary>The CA certificate's file name (PEM).</summary>
    public const string CaCertificateFile = "ca.crt";

    /// <summary>The CA private key's file name (PKCS#8 PEM, owner read/write only).</summary>
    public const string CaKeyFile = "ca.key";

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Creates <c>ca.crt</c> and <c>ca.key</c> in <paramref name="dir"/> (created when missing).</summary>
    /// <param name="dir">Output directory.</param>
    /// <param name="name">The CA's common name.</param>
    /// <param name="validity">How long the CA is valid; 10 years when null.</param>
    /// <param name="overwrite">Replace existing files instead of refusing.</param>
    /// <param name="algorithm">Key type.</param>
    /// <returns>The paths written.</returns>
    /// <exception cref="IOException">A file exists and <paramref name="overwrite"/> is false.</exception>
    public static IReadOnlyList<string> CreateCa(string dir, string name = "clusterlb-ca", TimeSpan? validity = null, bool overwrite = false,
        CertificateKeyAlgorithm algorithm = CertificateKeyAlgorithm.EcdsaP256)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dir);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var crtPath = Path.GetFullPath(Path.Combine(dir, CaCertificateFile));
        var keyPath = Path.GetFullPath(Path.Combine(dir, CaKeyFile));
        RefuseExisting(overwrite, crtPath, keyPath);

        using var key = NewKey(algorithm);
        var request = Request(new X500DistinguishedName($"CN={Escape(name)}"), key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        using var ca = request.CreateSelfSigned(now - ClockSkew, now + (validity ?? TimeSpan.FromDays(3650)));

        Directory.CreateDirectory(Path.GetDirectoryName(crtPath)!);
        WriteFile(keyPath, ExportKeyPem(key), ownerOnly: true);
        WriteFile(crtPath, ca.ExportCertificatePem() + "\n", ownerOnly: false);
        return [crtPath, keyPath];
    }

    /// <summary>
    /// Creates <c>&lt;name&gt;.pfx</c> in <paramref name="dir"/>: a node certificate signed by the CA in
    /// <paramref name="caDir"/>, for both TLS ends (EKU serverAuth + clientAuth), naming <paramref name="hosts"/> as
    /// DNS names or IP addresses in its subject alternative names.
    /// </summary>
    /// <param name="dir">Output directory.</param>
    /// <param name="caDir">Directory holding ca.crt and ca.key.</param>
    /// <param name="name">Node name: the common name and the file name.</param>
    /// <param name="hosts">Host names and IP addresses the node is reached by (at least one).</param>
    /// <param name="password">Password of the .pfx; null or empty for none.</param>
    /// <param name="validity">How long the certificate is valid; 825 days when null (never past the CA).</param>
    /// <param name="overwrite">Replace an existing file instead of refusing.</param>
    /// <param name="algorithm">Key type.</param>
    /// <returns>The path written.</returns>
    public static string CreateNode(string dir, string caDir, string name, IReadOnlyList<string> hosts, string? password = null,
        TimeSpan? validity = null, bool overwrite = false, CertificateKeyAlgorithm algorithm = CertificateKeyAlgorithm.EcdsaP256)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dir);
        ArgumentException.ThrowIfNullOrWhiteSpace(caDir);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(hosts);
        if (hosts.Count == 0 || hosts.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("at least one host name or IP address is needed (--host)", nameof(hosts));
        }
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"'{name}' cannot be a file name", nameof(name));
        }
        var pfxPath = Path.GetFullPath(Path.Combine(dir, name + ".pfx"));
        RefuseExisting(overwrite, pfxPath);

        using var ca = LoadCa(caDir);
        using var key = NewKey(algorithm);
        var request = Request(new X500DistinguishedName($"CN={Escape(name)}"), key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        var usage = X509KeyUsageFlags.DigitalSignature | (algorithm == CertificateKeyAlgorithm.Rsa2048 ? X509KeyUsageFlags.KeyEncipherment : 0);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "serverAuth"), new Oid("1.3.6.1.5.5.7.3.2", "clientAuth")], critical: false));
        request.CertificateExtensions.Add(SubjectAlternativeNames(hosts));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        var now = DateTimeOffset.UtcNow;
        var notAfter = now + (validity ?? TimeSpan.FromDays(825));
        if (notAfter > ca.NotAfter)
        {
            notAfter = ca.NotAfter;
        }
        // The signature generator comes from the CA's own key, so an RSA node can be signed by an ECDSA CA and back.
        using var signed = request.Create(ca.SubjectName, SignerOf(ca), now - ClockSkew, notAfter, Serial());
        using var withKey = algorithm == CertificateKeyAlgorithm.Rsa2048
            ? signed.CopyWithPrivateKey((RSA)key)
            : signed.CopyWithPrivateKey((ECDsa)key);
        var pfx = withKey.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, string.IsNullOrEmpty(password) ? null : password);

        Directory.CreateDirectory(Path.GetDirectoryName(pfxPath)!);
        WriteFile(pfxPath, pfx, ownerOnly: true);
        return pfxPath;
    }

    /// <summary>Loads ca.crt with its private key from <paramref name="caDir"/>.</summary>
    private static X509Certificate2 LoadCa(string caDir)
    {
        var crt = Path.Combine(caDir, CaCertificateFile);
        var key = Path.Combine(caDir, CaKeyFile);
        foreach (var path in new[] { crt, key })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"the CA file '{Path.GetFullPath(path)}' does not exist (run `clusterlb cert create-ca --dir {caDir}` first)", path);
            }
        }
        return X509Certificate2.CreateFromPemFile(crt, key);
    }

    private static X509SignatureGenerator SignerOf(X509Certificate2 ca) =>
        ca.GetECDsaPrivateKey() is { } ec ? X509SignatureGenerator.CreateForECDsa(ec)
        : ca.GetRSAPrivateKey() is { } rsa ? X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1)
        : throw new CryptographicException("the CA key is neither ECDSA nor RSA");

    private static AsymmetricAlgorithm NewKey(CertificateKeyAlgorithm algorithm) => algorithm switch
    {
        CertificateKeyAlgorithm.EcdsaP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        CertificateKeyAlgorithm.Rsa2048 => RSA.Create(2048),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    private static CertificateRequest Request(X500DistinguishedName subject, AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => throw new ArgumentException("unsupported key", nameof(key)),
    };

    private static string ExportKeyPem(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => ec.ExportPkcs8PrivateKeyPem(),
        RSA rsa => rsa.ExportPkcs8PrivateKeyPem(),
        _ => throw new ArgumentException("unsupported key", nameof(key)),
    } + "\n";

    private static X509Extension SubjectAlternativeNames(IEnumerable<string> hosts)
    {
        var san = new SubjectAlternativeNameBuilder();
        foreach (var host in hosts.Select(h => h.Trim()))
        {
            if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(host);
            }
        }
        return san.Build();
    }

    // A positive random 16-byte serial, as RFC 5280 asks (unique per CA, at most 20 octets).
    private static byte[] Serial()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        return new BigInteger(serial, isUnsigned: true, isBigEndian: true) == 0 ? [1] : serial;
    }

    private static string Escape(string name) => name.Contains(',') || name.Contains('=') || name.Contains('"') ? "\"" + name.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"" : name;

    private static void RefuseExisting(bool overwrite, params string[] paths)
    {
        if (overwrite) return;
        var existing = paths.Where(File.Exists).ToList();
        if (existing.Count > 0)
        {
            throw new IOException($"{string.Join(" and ", existing.Select(p => $"'{p}'"))} already exist{(existing.Count == 1 ? "s" : "")}: pass --force to replace");
        }
    }

    private static void WriteFile(string path, string text, bool ownerOnly) => WriteFile(path, System.Text.Encoding.ASCII.GetBytes(text), ownerOnly);

    private static void WriteFile(string path, byte[] bytes, bool ownerOnly)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = ownerOnly
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }
        using (var stream = new FileStream(path, options))
        {
            stream.Write(bytes);
        }
        // UnixCreateMode applies only to a new file; an overwritten key file must lose wider permissions too.
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
