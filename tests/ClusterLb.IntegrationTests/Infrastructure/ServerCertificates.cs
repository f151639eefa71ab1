using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>A PEM certificate and key written for a test: where they are and what the certificate says.</summary>
/// <param name="CertificatePath">The PEM certificate file.</param>
/// <param name="KeyPath">The PEM private key file.</param>
/// <param name="Subject">The certificate's subject, e.g. <c>CN=a.example, O=v1</c>.</param>
internal sealed record PemPair(string CertificatePath, string KeyPath, string Subject);

/// <summary>
/// Self-signed server certificates made in the test with <see cref="CertificateRequest"/> (ECDSA P-256: quick to
/// make), written as PEM files, and a raw TLS client that reports which certificate a server presented.
/// </summary>
internal static class ServerCertificates
{
    /// <summary>A certificate for <paramref name="dnsNames"/> (subject <c>CN=</c><paramref name="commonName"/>, plus <c>O=</c><paramref name="organization"/> when given).</summary>
    public static X509Certificate2 Create(string commonName, IEnumerable<string> dnsNames, string? organization = null, DateTimeOffset? notAfter = null, bool serverAuth = true)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = organization is null ? $"CN={commonName}" : $"CN={commonName}, O={organization}";
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), notAfter ?? DateTimeOffset.UtcNow.AddDays(30));
    }

    /// <summary>Writes <paramref name="certificate"/> and its key as <c>NAME.crt</c> and <c>NAME.key</c> in <paramref name="directory"/>.</summary>
    public static PemPair Write(X509Certificate2 certificate, string directory, string name)
    {
        var pair = new PemPair(Path.Combine(directory, name + ".crt"), Path.Combine(directory, name + ".key"), certificate.Subject);
        WriteOver(certificate, pair);
        return pair;
    }

    /// <summary>Writes <paramref name="certificate"/> over the files of <paramref name="pair"/>, in place (as an editor saving would).</summary>
    public static PemPair WriteOver(X509Certificate2 certificate, PemPair pair)
    {
        File.WriteAllText(pair.CertificatePath, certificate.ExportCertificatePem() + "\n");
        File.WriteAllText(pair.KeyPath, KeyPem(certificate));
        return pair with { Subject = certificate.Subject };
    }

    /// <summary>The certificate's private key as PKCS#8 PEM.</summary>
    public static string KeyPem(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("no ECDSA private key");
        return key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    /// <summary>Makes and writes a certificate in one go.</summary>
    public static PemPair CreatePem(string directory, string name, string commonName, IEnumerable<string> dnsNames, string? organization = null)
    {
        using var certificate = Create(commonName, dnsNames, organization);
        return Write(certificate, directory, name);
    }

    /// <summary>
    /// Handshakes with loopback:<paramref name="port"/> sending <paramref name="serverName"/> as SNI (null: none,
    /// as a client connecting by address does) and returns the presented certificate's subject.
    /// </summary>
    public static async Task<string> PresentedSubjectAsync(int port, string? serverName, SslProtocols protocols = SslProtocols.None, string? alpn = null)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            // SslStream sends no SNI for an IP address.
            TargetHost = serverName ?? "127.0.0.1",
            EnabledSslProtocols = protocols,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        };
        if (alpn is not null)
        {
            options.ApplicationProtocols = [new SslApplicationProtocol(alpn)];
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await tls.AuthenticateAsClientAsync(options, timeout.Token);
        return tls.RemoteCertificate!.Subject;
    }
}
