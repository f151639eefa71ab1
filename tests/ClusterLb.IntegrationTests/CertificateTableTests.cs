using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Proxy.Tls;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>How a handshake's SNI name picks a certificate, and which names an entry may list.</summary>
public sealed class CertificateTableTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _directory = TempDirectory.Create();

    public void Dispose() => _directory.Dispose();

    private ServedCertificate Load(string name, params string[] serverNames)
    {
        var pair = ServerCertificates.CreatePem(_directory.Path, name, name, [name]);
        return PemCertificateLoader.Load(new CertificateSource(pair.CertificatePath, pair.KeyPath, [.. serverNames]));
    }

    [Fact]
    public void Exact_names_beat_wildcards_and_a_wildcard_covers_one_label()
    {
        var apex = Load("apex", "b.example");
        var wildcard = Load("wild", "*.b.example");
        var exact = Load("exact", "api.b.example");
        var deeper = Load("deeper", "*.eu.b.example");
        var table = CertificateTable.Build([apex, wildcard, exact, deeper], defaultIndex: 0);

        Assert.Same(apex, table.Select("b.example"));
        Assert.Same(exact, table.Select("api.b.example"));
        Assert.Same(exact, table.Select("API.B.EXAMPLE."));
        Assert.Same(wildcard, table.Select("www.b.example"));
        Assert.Same(deeper, table.Select("x.eu.b.example"));
        Assert.Same(apex, table.Select("y.x.b.example"));
        Assert.Same(apex, table.Select("example"));
        Assert.Same(apex, table.Select(""));
        Assert.Same(apex, table.Select(null));
        Assert.Same(apex, table.Select("."));
    }

    [Fact]
    public void The_first_entry_claiming_a_name_has_it_and_the_default_is_chosen_by_index()
    {
        var first = Load("first", "same.example");
        var second = Load("second", "same.example", "only.example");
        var table = CertificateTable.Build([first, second], defaultIndex: 1);

        Assert.Same(first, table.Select("same.example"));
        Assert.Same(second, table.Select("only.example"));
        Assert.Same(second, table.Select("nobody.example"));
    }

    [Fact]
    public void Without_listed_names_an_entry_serves_the_names_in_its_certificate()
    {
        using var certificate = ServerCertificates.Create("cn.example", ["one.example", "*.two.example", "Three.Example"]);
        var pair = ServerCertificates.Write(certificate, _directory.Path, "multi");
        var loaded = PemCertificateLoader.Load(new CertificateSource(pair.CertificatePath, pair.KeyPath, []));
        Assert.Equal(["one.example", "*.two.example", "three.example"], loaded.Names.ToArray());
    }

    [Theory]
    [InlineData("a.example", "a.example")]
    [InlineData(" A.Example. ", "a.example")]
    [InlineData("*.B.example", "*.b.example")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("*.example", null)]
    [InlineData("a.*.example", null)]
    [InlineData("*a.example", null)]
    [InlineData("192.0.2.1", null)]
    [InlineData("[2001:db8::1]", null)]
    [InlineData("", null)]
    [InlineData("bad name.example", null)]
    public void Server_names_are_normalised_or_refused(string written, string? expected)
    {
        var name = ServerNames.Normalize(written, out var problem);
        Assert.Equal(expected, name);
        Assert.Equal(expected is null, problem is not null);
    }

    [Theory]
    [InlineData("rsa-pkcs1")]
    [InlineData("rsa-pkcs8")]
    [InlineData("ec-sec1")]
    [InlineData("ec-pkcs8-encrypted")]
    public void The_key_formats_operators_have_load(string format)
    {
        var rsa = format.StartsWith("rsa", StringComparison.Ordinal);
        using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = rsa
            ? new CertificateRequest("CN=k.example", (RSA)key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest("CN=k.example", (ECDsa)key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        var keyPem = format switch
        {
            "rsa-pkcs1" => ((RSA)key).ExportRSAPrivateKeyPem(),
            "ec-sec1" => ((ECDsa)key).ExportECPrivateKeyPem(),
            "ec-pkcs8-encrypted" => key.ExportEncryptedPkcs8PrivateKeyPem("s3cret", new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000)),
            _ => key.ExportPkcs8PrivateKeyPem(),
        };
        Assert.Contains(format switch { "rsa-pkcs1" => "BEGIN RSA PRIVATE KEY", "ec-sec1" => "BEGIN EC PRIVATE KEY", "ec-pkcs8-encrypted" => "BEGIN ENCRYPTED PRIVATE KEY", _ => "BEGIN PRIVATE KEY" }, keyPem);
        var certificatePath = Path.Combine(_directory.Path, format + ".crt");
        var keyPath = Path.Combine(_directory.Path, format + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, keyPem);
        var source = new CertificateSource(certificatePath, keyPath, []) { Password = format.EndsWith("encrypted", StringComparison.Ordinal) ? "s3cret" : "" };

        var loaded = PemCertificateLoader.Load(source);
        Assert.True(loaded.Leaf.HasPrivateKey);
        Assert.Equal(["k.example"], loaded.Names.ToArray());
        if (source.Password.Length > 0)
        {
            var wrong = Assert.Throws<CertificateLoadException>(() => PemCertificateLoader.Load(source with { Password = "nope" }));
            Assert.True(wrong.KeyFile);
            Assert.Contains("wrong password", wrong.Message);
            var none = Assert.Throws<CertificateLoadException>(() => PemCertificateLoader.Load(source with { Password = "" }));
            Assert.Contains("is encrypted: set password", none.Message);
        }
    }

    [Fact]
    public async Task A_fullchain_file_sends_its_intermediate()
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var root = rootRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = new CertificateRequest("CN=Test Intermediate", intermediateKey, HashAlgorithmName.SHA256);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var intermediatePublic = intermediateRequest.Create(root, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(20), [1, 2, 3]);
        using var intermediate = intermediatePublic.CopyWithPrivateKey(intermediateKey);
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=chain.example", leafKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("chain.example");
        leafRequest.CertificateExtensions.Add(san.Build());
        using var leaf = leafRequest.Create(intermediate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), [4, 5, 6]);
        var chainPath = Path.Combine(_directory.Path, "fullchain.pem");
        var keyPath = Path.Combine(_directory.Path, "privkey.pem");
        File.WriteAllText(chainPath, leaf.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem() + "\n");
        File.WriteAllText(keyPath, leafKey.ExportPkcs8PrivateKeyPem());

        await using var tls = await TlsFrontEnd.StartAsync(output, TempDirectory.Create(), TlsFrontEnd.Settings(new CertificateSource(chainPath, keyPath, [])));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, tls.HttpsPort);
        await using var stream = new SslStream(tcp.GetStream());
        var sent = new List<string>();
        await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "chain.example",
            RemoteCertificateValidationCallback = (_, _, chain, _) =>
            {
                // The root is not sent and not trusted here: the chain ends at what the server sent.
                sent.AddRange(chain!.ChainElements.Select(e => e.Certificate.Subject));
                return true;
            },
        });
        Assert.Equal(["CN=chain.example", "CN=Test Intermediate"], sent);
    }
}
