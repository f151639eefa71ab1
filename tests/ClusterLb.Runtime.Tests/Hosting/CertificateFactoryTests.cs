using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClusterLb.Hocon;
using ClusterLb.Backend;
using ClusterLb.Runtime.Security;

namespace ClusterLb.Runtime.Tests.Hosting;

/// <summary>CA and node certificates: chain to the CA, SANs, EKUs, file modes, overwrite refusal, load errors.</summary>
public sealed class CertificateFactoryTests : IDisposable
{
    private readonly TestConfig _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(CertificateKeyAlgorithm.EcdsaP256)]
    [InlineData(CertificateKeyAlgorithm.Rsa2048)]
    public void A_node_certificate_chains_to_its_ca_names_its_hosts_and_serves_both_tls_ends(CertificateKeyAlgorithm algorithm)
    {
        var dir = _files.Dir;
        var written = CertificateFactory.CreateCa(dir, "test-ca", algorithm: algorithm);
        Assert.Equal([Path.Combine(dir, "ca.crt"), Path.Combine(dir, "ca.key")], written);
        var pfx = CertificateFactory.CreateNode(dir, dir, "lb-1", ["lb1.example", "127.0.0.1", "::1"], password: "pw", algorithm: algorithm);
        Assert.Equal(Path.Combine(dir, "lb-1.pfx"), pfx);

        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "ca.crt")));
        using var node = X509CertificateLoader.LoadPkcs12FromFile(pfx, "pw");
        Assert.True(node.HasPrivateKey);
        Assert.Equal("CN=lb-1", node.Subject);
        Assert.Equal("CN=test-ca", node.Issuer);
        Assert.Null(ClusterCaValidator.Problem(node, ca, extra: null));

        var san = node.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["lb1.example"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], san.EnumerateIPAddresses());
        Assert.True(node.MatchesHostname("lb1.example"));
        var eku = node.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value).ToList();
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], eku);
        Assert.False(node.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
    }

    [Fact]
    public void The_ca_key_is_readable_by_its_owner_only()
    {
        CertificateFactory.CreateCa(_files.Dir);
        CertificateFactory.CreateNode(_files.Dir, _files.Dir, "n", ["localhost"]);
        if (OperatingSystem.IsWindows()) return;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_files.Dir, "ca.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_files.Dir, "n.pfx")));
    }

    [Fact]
    public void Existing_files_are_not_overwritten_without_force()
    {
        CertificateFactory.CreateCa(_files.Dir);
        var before = File.ReadAllText(Path.Combine(_files.Dir, "ca.crt"));
        var e = Assert.Throws<IOException>(() => CertificateFactory.CreateCa(_files.Dir));
        Assert.Contains("--force", e.Message);
        Assert.Equal(before, File.ReadAllText(Path.Combine(_files.Dir, "ca.crt")));
        CertificateFactory.CreateCa(_files.Dir, overwrite: true);
        Assert.NotEqual(before, File.ReadAllText(Path.Combine(_files.Dir, "ca.crt")));
    }

    [Fact]
    public void A_certificate_from_another_ca_is_refused_by_the_validator()
    {
        var a = Path.Combine(_files.Dir, "a");
        var b = Path.Combine(_files.Dir, "b");
        CertificateFactory.CreateCa(a, "ca-a");
        CertificateFactory.CreateCa(b, "ca-b");
        using var caA = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(a, "ca.crt")));
        using var foreign = X509CertificateLoader.LoadPkcs12FromFile(CertificateFactory.CreateNode(b, b, "intruder", ["127.0.0.1"]), null);
        Assert.Contains("not issued by the cluster CA CN=ca-a", ClusterCaValidator.Problem(foreign, caA, null));
    }

    [Fact]
    public void Loading_names_the_file_for_a_missing_file_and_a_wrong_password()
    {
        CertificateFactory.CreateCa(_files.Dir);
        var pfx = CertificateFactory.CreateNode(_files.Dir, _files.Dir, "n", ["localhost"], password: "right");
        var ca = Path.Combine(_files.Dir, "ca.crt");

        var wrong = Assert.Throws<HoconException>(() => NodeCertificates.Load(new ClusterTlsSettings(true, pfx, "wrong", ca, false, HoconOrigin.None)));
        Assert.Contains(pfx, wrong.Message);
        Assert.Contains("password", wrong.Message);

        var missing = Path.Combine(_files.Dir, "nope.pfx");
        var absent = Assert.Throws<HoconException>(() => NodeCertificates.Load(new ClusterTlsSettings(true, missing, "", ca, false, HoconOrigin.None)));
        Assert.Contains(missing, absent.Message);
        Assert.Contains("clusterlb.cluster.tls.certificate", absent.Message);

        File.WriteAllText(Path.Combine(_files.Dir, "bad.crt"), "not a certificate");
        var bad = Assert.Throws<HoconException>(() => NodeCertificates.Load(new ClusterTlsSettings(true, pfx, "right", Path.Combine(_files.Dir, "bad.crt"), false, HoconOrigin.None)));
        Assert.Contains("bad.crt", bad.Message);

        using var ok = NodeCertificates.Load(new ClusterTlsSettings(true, pfx, "right", ca, false, HoconOrigin.None));
        Assert.True(ok.Node.HasPrivateKey);
    }

    [Fact]
    public void A_node_certificate_from_another_ca_than_the_configured_one_is_refused_at_start()
    {
        var a = Path.Combine(_files.Dir, "a");
        var b = Path.Combine(_files.Dir, "b");
        CertificateFactory.CreateCa(a);
        CertificateFactory.CreateCa(b);
        var pfx = CertificateFactory.CreateNode(b, b, "n", ["localhost"]);
        var e = Assert.Throws<HoconException>(() => NodeCertificates.Load(new ClusterTlsSettings(true, pfx, "", Path.Combine(a, "ca.crt"), false, HoconOrigin.None)));
        Assert.Contains("would be refused by the other nodes", e.Message);
    }
}
