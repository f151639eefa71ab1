using System.Net;
using System.Text.Json;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Node.Configuration;
using ClusterLb.Node.Hosting;
using ClusterLb.Proxy.Tls;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// <c>clusterlb.proxy.https</c> read from HOCON: what it turns into, every mistake reported with the file, line and
/// column of its key, and a whole node started from such a file.
/// </summary>
public sealed class HttpsConfigTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _directory = TempDirectory.Create();

    public void Dispose() => _directory.Dispose();

    private static Config Parse(string hocon) => ReferenceConfig.With(hocon, "https.conf");

    private static string Hocon(string https) => $$"""
        clusterlb {
          proxy.https {
        {{https}}
          }
          services.web.pools = [ { id = main, hosts = [ { id = h1, address = "http://127.0.0.1:9" } ] } ]
        }
        """;

    private static string Quoted(string path) => JsonSerializer.Serialize(path);

    private static List<string> Errors(string hocon) =>
        [.. Assert.Throws<SettingsException>(() => NodeConfigReader.Read(Parse(hocon))).Errors];

    [Fact]
    public void A_listener_with_sni_certificates_is_read()
    {
        var a = ServerCertificates.CreatePem(_directory.Path, "a", "a.example", ["a.example"]);
        var b = ServerCertificates.CreatePem(_directory.Path, "b", "b.example", ["*.b.example", "b.example"]);
        var settings = NodeConfigReader.Read(Parse(Hocon($$"""
                enabled = on
                bind = "127.0.0.1"
                port = 9443
                certificates = [
                  { certificate = {{Quoted(a.CertificatePath)}}, key = {{Quoted(a.KeyPath)}}, server-names = ["A.Example"] }
                  { certificate = {{Quoted(b.CertificatePath)}}, key = {{Quoted(b.KeyPath)}} }
                ]
                default-certificate = "b.example"
                min-version = "TLSv1.3"
                protocols = ["http/1.1", "h2"]
                redirect-http = on
                redirect-port = 443
            """))).Proxy.Https;

        Assert.NotNull(settings);
        Assert.Equal(new ClusterLb.Proxy.ListenerSettings("127.0.0.1", 9443), settings.Listener);
        Assert.Equal(["a.example"], settings.Certificates[0].ServerNames.ToArray());
        Assert.Empty(settings.Certificates[1].ServerNames);
        Assert.Equal(1, settings.DefaultCertificate);
        Assert.Equal(TlsMinVersion.Tls13, settings.MinVersion);
        Assert.Equal([System.Net.Security.SslApplicationProtocol.Http11, System.Net.Security.SslApplicationProtocol.Http2], settings.Protocols.ToArray());
        Assert.True(settings.RedirectHttp);
        Assert.Equal(443, settings.RedirectPort);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.ReloadInterval);
    }

    [Fact]
    public void Https_is_off_by_default()
    {
        Assert.Null(NodeConfigReader.Read(Parse(Hocon("port = 9443"))).Proxy.Https);
    }

    [Fact]
    public void A_missing_file_is_reported_at_its_key()
    {
        var a = ServerCertificates.CreatePem(_directory.Path, "a", "a.example", ["a.example"]);
        var missing = Path.Combine(_directory.Path, "missing.crt");
        var errors = Errors(Hocon($$"""
                enabled = on
                certificates = [
                  { certificate = {{Quoted(missing)}}
                    key = {{Quoted(a.KeyPath)}} }
                ]
            """));
        var error = Assert.Single(errors);
        Assert.Matches($@"^https\.conf:5:\d+: clusterlb\.proxy\.https\.certificates\[0\]\.certificate: the file '{System.Text.RegularExpressions.Regex.Escape(missing)}' does not exist$", error);
    }

    [Fact]
    public void A_key_of_another_certificate_is_reported_at_the_key()
    {
        var a = ServerCertificates.CreatePem(_directory.Path, "a", "a.example", ["a.example"]);
        var b = ServerCertificates.CreatePem(_directory.Path, "b", "b.example", ["b.example"]);
        var errors = Errors(Hocon($$"""
                enabled = on
                certificates = [
                  { certificate = {{Quoted(a.CertificatePath)}}, key = {{Quoted(b.KeyPath)}} }
                ]
            """));
        var error = Assert.Single(errors);
        Assert.StartsWith("https.conf:5:", error);
        Assert.Contains("clusterlb.proxy.https.certificates[0].key: the private key in", error);
        Assert.Contains("does not belong to the certificate", error);
    }

    [Fact]
    public void Swapped_files_a_client_certificate_and_bad_names_are_each_reported()
    {
        var a = ServerCertificates.CreatePem(_directory.Path, "a", "a.example", ["a.example"]);
        using var clientOnly = ServerCertificates.Create("client", ["client.example"], serverAuth: false);
        var c = ServerCertificates.Write(clientOnly, _directory.Path, "client");
        var errors = Errors(Hocon($$"""
                enabled = on
                certificates = [
                  { certificate = {{Quoted(a.KeyPath)}}, key = {{Quoted(a.CertificatePath)}} }
                  { certificate = {{Quoted(c.CertificatePath)}}, key = {{Quoted(c.KeyPath)}} }
                  { certificate = {{Quoted(a.CertificatePath)}}, key = {{Quoted(a.KeyPath)}}, server-names = ["10.0.0.1", "a.*.example", "*.com"] }
                  { cert = "a.pem", key = "a.key" }
                ]
                default-certificate = "nobody.example"
                min-version = "1.1"
                protocols = ["h3"]
            """));
        foreach (var error in errors)
        {
            output.WriteLine(error);
        }
        Assert.Contains(errors, e => e.StartsWith("https.conf:5:", StringComparison.Ordinal) && e.Contains("certificates[0].certificate:") && e.Contains("are certificate and key swapped?"));
        Assert.Contains(errors, e => e.StartsWith("https.conf:6:", StringComparison.Ordinal) && e.Contains("certificates[1].certificate:") && e.Contains("lacks serverAuth"));
        Assert.Contains(errors, e => e.StartsWith("https.conf:7:", StringComparison.Ordinal) && e.Contains("'10.0.0.1' is an IP address"));
        Assert.Contains(errors, e => e.StartsWith("https.conf:7:", StringComparison.Ordinal) && e.Contains("'a.*.example' may hold a wildcard only"));
        Assert.Contains(errors, e => e.StartsWith("https.conf:7:", StringComparison.Ordinal) && e.Contains("'*.com' is a wildcard over a top-level domain"));
        Assert.Contains(errors, e => e.StartsWith("https.conf:8:", StringComparison.Ordinal) && e.Contains("certificates[3].cert: unknown key"));
        Assert.Contains(errors, e => e.StartsWith("https.conf:10:", StringComparison.Ordinal) && e.Contains("default-certificate: 'nobody.example'"));
        Assert.Contains(errors, e => e.StartsWith("https.conf:11:", StringComparison.Ordinal) && e.Contains("min-version: must be 1.2 or 1.3"));
        Assert.Contains(errors, e => e.StartsWith("https.conf:12:", StringComparison.Ordinal) && e.Contains("'h3' is not offered"));
    }

    [Fact]
    public void On_without_certificates_and_a_shared_port_are_reported()
    {
        var errors = Errors("clusterlb { proxy.http.port = 8443, proxy.https.enabled = on }");
        errors.ForEach(output.WriteLine);
        Assert.Contains(errors, e => e.StartsWith("https.conf:1:", StringComparison.Ordinal) && e.Contains("lists no certificates"));
        Assert.Contains(errors, e => e.Contains("clusterlb.proxy.https.port: is 8443, as is clusterlb.proxy.http.port (https.conf:1:"));
    }

    [Fact]
    public void Two_entries_claiming_one_name_are_reported()
    {
        var a = ServerCertificates.CreatePem(_directory.Path, "a", "a.example", ["a.example"]);
        var errors = Errors(Hocon($$"""
                enabled = on
                certificates = [
                  { certificate = {{Quoted(a.CertificatePath)}}, key = {{Quoted(a.KeyPath)}}, server-names = ["a.example"] }
                  { certificate = {{Quoted(a.CertificatePath)}}, key = {{Quoted(a.KeyPath)}}, server-names = ["A.EXAMPLE."] }
                ]
            """));
        var error = Assert.Single(errors);
        Assert.StartsWith("https.conf:6:", error);
        Assert.Contains("'A.EXAMPLE.' is already served by clusterlb.proxy.https.certificates[0]", error);
    }

    [Fact]
    public async Task A_node_from_a_file_serves_https_names_it_in_its_start_line_and_lists_it_in_status()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1");
        var site = ServerCertificates.CreatePem(_directory.Path, "site", "site.example", ["site.example", "*.site.example"]);
        var file = Path.Combine(_directory.Path, "node.conf");
        await File.WriteAllTextAsync(file, $$"""
            clusterlb {
              node { name = "tls-node", data-dir = {{Quoted(Path.Combine(_directory.Path, "data"))}} }
              proxy.http { bind = "127.0.0.1", port = 0 }
              proxy.https {
                enabled = on
                bind = "127.0.0.1"
                port = 0
                certificates = [ { certificate = {{Quoted(site.CertificatePath)}}, key = {{Quoted(site.KeyPath)}} } ]
              }
              admin.port = 0
              health-check { path = "/health", interval = 100ms }
              services.web.pools = [ { id = main, hosts = [ { id = b1, address = "{{backends[0].Url}}" } ] } ]
            }
            """);
        var logs = new LogRecorder();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).AddProvider(new TestOutputLoggerProvider(output))
            .SetMinimumLevel(LogLevel.Information).AddFilter("Microsoft", LogLevel.Warning));
        var settings = NodeConfigReader.Read(ClusterLbConfigLoader.Load(file, useEnvironment: false));
        await using var node = await ClusterLbNode.StartAsync(settings, loggerFactory);
        try
        {
            Assert.NotNull(node.HttpsUrl);
            Assert.Equal("https", node.HttpsUrl.Scheme);
            Assert.Equal(1, logs.Count($"https {node.HttpsUrl}"));
            Assert.Equal(1, logs.Count($"proxy {node.ProxyUrl} and {node.HttpsUrl}"));

            using var client = new TlsClient(node.HttpsUrl.Port, HttpVersion.Version20);
            await Poll.UntilAsync(async () => (await client.GetAsync($"https://www.site.example:{node.HttpsUrl.Port}/")).IsSuccessStatusCode, "b1 to be routed over HTTPS");
            Assert.Equal(site.Subject, client.Subjects[0]);

            using var admin = new HttpClient { BaseAddress = node.AdminUrl };
            using var status = JsonDocument.Parse(await admin.GetStringAsync("/status"));
            output.WriteLine(status.RootElement.GetProperty("listeners").ToString());
            var listeners = status.RootElement.GetProperty("listeners").EnumerateArray().ToList();
            Assert.Equal(["http", "https"], listeners.Select(l => l.GetProperty("name").GetString()));
            var https = listeners[1];
            Assert.Equal(node.HttpsUrl.ToString(), https.GetProperty("url").GetString());
            Assert.Equal(["h2", "http/1.1"], https.GetProperty("protocols").EnumerateArray().Select(p => p.GetString()));
            Assert.Equal("1.2", https.GetProperty("minTlsVersion").GetString());
            var certificate = Assert.Single(https.GetProperty("certificates").EnumerateArray());
            Assert.Equal(["site.example", "*.site.example"], certificate.GetProperty("serverNames").EnumerateArray().Select(n => n.GetString()));
            Assert.Equal(site.Subject, certificate.GetProperty("subject").GetString());
            Assert.True(certificate.GetProperty("default").GetBoolean());
            Assert.True(certificate.GetProperty("notAfter").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(29));
            Assert.False(certificate.TryGetProperty("reloadError", out _));
        }
        finally
        {
            foreach (var backend in backends)
            {
                await backend.DisposeAsync();
            }
        }
    }
}
