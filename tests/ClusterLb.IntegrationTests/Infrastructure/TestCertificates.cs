using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// A test CA and certificates it signs, written as PEM files into a directory of their own (what an operator
/// points a pool's <c>tls</c> block at) and kept in memory for the Kestrel backends that present them.
/// </summary>
internal sealed class TestCertificates : IDisposable
{
    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private readonly TempDirectory _dir = TempDirectory.Create();
    private readonly List<X509Certificate2> _issued = [];

    private TestCertificates(string name, X509Certificate2 ca)
    {
        Ca = ca;
        CaFile = Path.Combine(_dir.Path, $"{name}-ca.pem");
        File.WriteAllText(CaFile, ca.ExportCertificatePem() + "\n");
    }

    /// <summary>The CA (with its key, to sign).</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>The CA certificate as PEM.</summary>
    public string CaFile { get; }

    public string Directory => _dir.Path;

    /// <summary>A new CA named <paramref name="name"/>.</summary>
    public static TestCertificates CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name} test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        using var ca = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        return new TestCertificates(name, X509CertificateLoader.LoadPkcs12(ca.Export(X509ContentType.Pkcs12), null));
    }

    /// <summary>A server certificate for <paramref name="dnsName"/> (no IP address in it: it must be reached by that name).</summary>
    public X509Certificate2 Server(string dnsName) => Issue(dnsName, ServerAuth, dnsName);

    /// <summary>A client certificate; <paramref name="certificateFile"/> and <paramref name="keyFile"/> hold it as PEM.</summary>
    public X509Certificate2 Client(string name, out string certificateFile, out string keyFile)
    {
        var certificate = Issue(name, ClientAuth, dnsName: null);
        certificateFile = Path.Combine(_dir.Path, $"{name}.crt");
        keyFile = Path.Combine(_dir.Path, $"{name}.key");
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(keyFile, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem() + "\n");
        return certificate;
    }

    /// <summary>Whether <paramref name="certificate"/> chains to this CA (a backend's client-certificate check).</summary>
    public bool Issued(X509Certificate2 certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private X509Certificate2 Issue(string subject, string usage, string? dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (dnsName is not null)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(dnsName);
            request.CertificateExtensions.Add(names.Build());
        }
        var now = DateTimeOffset.UtcNow;
        var serial = RandomNumberGenerator.GetBytes(12);
        using var signed = request.Create(Ca, now.AddHours(-1), now.AddDays(7), serial);
        using var withKey = signed.CopyWithPrivateKey(key);
        // Through PKCS#12 so the key is usable by the TLS stack.
        var certificate = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        _issued.Add(certificate);
        return certificate;
    }

    public void Dispose()
    {
        foreach (var certificate in _issued)
        {
            certificate.Dispose();
        }
        Ca.Dispose();
        _dir.Dispose();
    }
}
