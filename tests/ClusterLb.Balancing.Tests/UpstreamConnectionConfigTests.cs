using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClusterLb.Balancing.Settings;
using ClusterLb.Balancing.Upstreams;
using ClusterLb.Hocon;

namespace ClusterLb.Balancing.Tests;

/// <summary>A pool's <c>protocol</c>, <c>tls</c> and <c>keepalive</c> blocks as an operator writes them, and what a bad one gets.</summary>
public sealed class UpstreamConnectionConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("clusterlb-tls-config-").FullName;
    private readonly string _ca;
    private readonly string _clientCertificate;
    private readonly string _clientKey;

    public UpstreamConnectionConfigTests()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=config test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        // The CA outlives the certificate it signs (CertificateRequest.Create refuses a later notAfter).
        using var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(2));
        _ca = Write("ca.pem", ca.ExportCertificatePem());
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var client = new CertificateRequest("CN=proxy", key, HashAlgorithmName.SHA256).Create(ca, now.AddHours(-1), now.AddDays(1), [1, 2, 3]);
        _clientCertificate = Write("client.crt", client.ExportCertificatePem());
        _clientKey = Write("client.key", key.ExportPkcs8PrivateKeyPem());
    }

    [Fact]
    public void Http_version_tls_and_keepalive_read_as_written()
    {
        var pool = Pool($$"""
            http-version = http2
            tls { sni = "backend.internal", verify = on, ca = "{{_ca}}", client-certificate = "{{_clientCertificate}}", client-key = "{{_clientKey}}" }
            keepalive { max-connections = 32, idle-timeout = 15s }
            """);
        Assert.Equal(new UpstreamConnectionSettings(
            UpstreamHttpVersion.Http2,
            new UpstreamTlsSettings("backend.internal", true, _ca, _clientCertificate, _clientKey),
            new KeepaliveSettings(32, TimeSpan.FromSeconds(15))), pool.Connection);
        Assert.False(pool.Connection.IsDefault);
    }

    [Fact]
    public void A_pool_without_the_blocks_has_the_default_connection_and_keepalive_keys_left_out_inherit()
    {
        Assert.True(Pool("").Connection.IsDefault);
        var keepalive = Pool("keepalive { idle-timeout = 5s }").Connection.Keepalive;
        Assert.Equal(new KeepaliveSettings(null, TimeSpan.FromSeconds(5)), keepalive);
    }

    [Theory]
    [InlineData("auto", UpstreamHttpVersion.Auto)]
    [InlineData("http1", UpstreamHttpVersion.Http1)]
    [InlineData("http2", UpstreamHttpVersion.Http2)]
    [InlineData("h2c", UpstreamHttpVersion.Http2)]
    public void Http_version_names_read(string name, UpstreamHttpVersion expected) =>
        Assert.Equal(expected, Pool($"http-version = {name}").Connection.HttpVersion);

    [Fact]
    public void A_client_key_inside_the_certificate_file_is_read_from_there()
    {
        var both = Write("both.pem", File.ReadAllText(_clientCertificate) + File.ReadAllText(_clientKey));
        var tls = Pool($$"""tls { client-certificate = "{{both}}" }""").Connection.Tls;
        Assert.Equal((both, (string?)null), (tls.ClientCertificateFile, tls.ClientKeyFile));
        var chain = UpstreamCertificates.LoadClientChain(both, null);
        Assert.True(chain[0].HasPrivateKey);
    }

    [Theory]
    [InlineData("http-version = h3", 2, "http-version 'h3' must be auto, http1 or http2")]
    [InlineData("tls { sni = \"10.0.0.5\" }", 2, "tls.sni '10.0.0.5' is not a DNS name")]
    [InlineData("tls { verfy = off }", 2, "tls.verfy is not a key of a pool's tls block")]
    [InlineData("tls { ca = \"/nonexistent/ca.pem\" }", 2, "tls.ca: cannot read CA certificates from /nonexistent/ca.pem")]
    [InlineData("tls { client-key = \"/nonexistent/k.pem\" }", 2, "tls.client-key needs tls.client-certificate")]
    [InlineData("keepalive { max-connections = -1 }", 2, "keepalive.max-connections must be 0 (unbounded) or more")]
    [InlineData("keepalive { idle-timeout = 0s }", 2, "keepalive.idle-timeout must be positive")]
    [InlineData("keepalive {\n max-conns = 4 }", 3, "keepalive.max-conns is not a key of a pool's keepalive block")]
    public void A_bad_key_is_refused_at_its_line(string block, int line, string reason)
    {
        var error = Assert.Single(Refused(block).Errors);
        Assert.StartsWith($"pools.conf:{line}:", error);
        Assert.Contains("clusterlb.services.web.pools[0]", error);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Files_that_are_not_what_they_claim_are_refused_with_the_reason()
    {
        var notPem = Write("not.pem", "hello");
        Assert.Contains("holds no PEM certificate", Assert.Single(Refused($$"""tls { ca = "{{notPem}}" }""").Errors));
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var wrongKey = Write("wrong.key", otherKey.ExportPkcs8PrivateKeyPem());
        var error = Assert.Single(Refused($$"""tls { client-certificate = "{{_clientCertificate}}", client-key = "{{wrongKey}}" }""").Errors);
        Assert.Contains($"tls.client-certificate: cannot load the client certificate {_clientCertificate} with {wrongKey}", error);
        Assert.Contains("verify = off accepts any certificate", Assert.Single(Refused($$"""tls { verify = off, ca = "{{_ca}}" }""").Errors));
    }

    [Fact]
    public void Code_built_settings_are_validated_too()
    {
        var pool = new PoolSettings("main", BalancingMethod.RoundRobin, 0, [new HostSettings("h", new Uri("https://127.0.0.1:1"))], HealthCheckSettings.Default, PassiveHealthSettings.Default)
        {
            Connection = new UpstreamConnectionSettings(UpstreamHttpVersion.Auto, UpstreamTlsSettings.Default with { Sni = "not a name" }, new KeepaliveSettings(-2, TimeSpan.Zero)),
        };
        var errors = Assert.Throws<SettingsException>(() => new BalancingSettings([new ServiceSettings("web", ServiceMatch.Any, [pool])]).Validate()).Errors;
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Contains(".tls.sni", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(".keepalive.max-connections", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(".keepalive.idle-timeout", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static BalancingSettings Read(string text) => BalancingConfigReader.Read(ConfigFactory.ParseString(text, "pools.conf").Resolve());

    private static PoolSettings Pool(string block) =>
        Read($"clusterlb.services.web.pools = [{{ id = main, hosts = [\"https://127.0.0.1:1\"]\n{block}\n}}]").Services.Single().Pools.Single();

    private static SettingsException Refused(string block) =>
        Assert.Throws<SettingsException>(() => Pool(block));

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text + "\n");
        return path;
    }
}
