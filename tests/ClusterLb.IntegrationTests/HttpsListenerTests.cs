using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text.Json;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Tls;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// The HTTPS proxy listener on real sockets with real TLS: certificates made in the test and written as PEM files,
/// chosen by SNI, reloaded when the files change; HTTP/2 over TLS, the HTTP-to-HTTPS redirect, and clients that
/// send garbage or an old TLS version.
/// </summary>
public sealed class HttpsListenerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Each_sni_name_gets_its_certificate_and_an_unknown_or_missing_name_the_default()
    {
        var directory = TlsFrontEnd.NewDirectory();
        var a = ServerCertificates.CreatePem(directory.Path, "a", "a.example", ["a.example"]);
        var b = ServerCertificates.CreatePem(directory.Path, "b", "b-wildcard", ["*.b.example"]);
        var c = ServerCertificates.CreatePem(directory.Path, "c", "c.example", ["c.example", "www.c.example"]);
        // a: names listed; b: a listed wildcard; c: names from the certificate's own SANs.
        await using var tls = await TlsFrontEnd.StartAsync(output, directory,
            TlsFrontEnd.Settings(TlsFrontEnd.Source(a, "a.example"), TlsFrontEnd.Source(b, "*.b.example"), TlsFrontEnd.Source(c)));
        var port = tls.HttpsPort;

        Assert.Equal(a.Subject, await ServerCertificates.PresentedSubjectAsync(port, "a.example"));
        Assert.Equal(a.Subject, await ServerCertificates.PresentedSubjectAsync(port, "A.Example."));
        Assert.Equal(b.Subject, await ServerCertificates.PresentedSubjectAsync(port, "x.b.example"));
        Assert.Equal(c.Subject, await ServerCertificates.PresentedSubjectAsync(port, "www.c.example"));
        // A wildcard covers one label: neither the bare domain nor two labels deep.
        Assert.Equal(a.Subject, await ServerCertificates.PresentedSubjectAsync(port, "b.example"));
        Assert.Equal(a.Subject, await ServerCertificates.PresentedSubjectAsync(port, "y.x.b.example"));
        Assert.Equal(a.Subject, await ServerCertificates.PresentedSubjectAsync(port, "unknown.example"));
        Assert.Equal(a.Subject, await ServerCertificates.PresentedSubjectAsync(port, serverName: null));

        // Through the proxy: the client names the host, gets its certificate, and the backend hears it came over TLS.
        using var client = tls.Client();
        var response = await client.GetAsync($"https://x.b.example:{port}/headers");
        var headers = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([b.Subject], client.Subjects);
        Assert.Contains("X-Forwarded-Proto: https", headers);
        Assert.Contains($"X-Forwarded-Host: x.b.example:{port}", headers);
        Assert.Contains("X-Forwarded-For: 127.0.0.1", headers);
    }

    [Fact]
    public async Task The_default_certificate_can_be_another_than_the_first()
    {
        var directory = TlsFrontEnd.NewDirectory();
        var a = ServerCertificates.CreatePem(directory.Path, "a", "a.example", ["a.example"]);
        var b = ServerCertificates.CreatePem(directory.Path, "b", "b.example", ["b.example"]);
        await using var tls = await TlsFrontEnd.StartAsync(output, directory,
            TlsFrontEnd.Settings(TlsFrontEnd.Source(a), TlsFrontEnd.Source(b)) with { DefaultCertificate = 1 });

        Assert.Equal(a.Subject, await ServerCertificates.PresentedSubjectAsync(tls.HttpsPort, "a.example"));
        Assert.Equal(b.Subject, await ServerCertificates.PresentedSubjectAsync(tls.HttpsPort, "other.example"));
        Assert.Equal(b.Subject, await ServerCertificates.PresentedSubjectAsync(tls.HttpsPort, null));
    }

    [Fact]
    public async Task Http2_over_tls_reaches_an_http11_backend_and_http11_over_tls_works_too()
    {
        var directory = TlsFrontEnd.NewDirectory();
        var a = ServerCertificates.CreatePem(directory.Path, "a", "a.example", ["a.example"]);
        await using var tls = await TlsFrontEnd.StartAsync(output, directory, TlsFrontEnd.Settings(TlsFrontEnd.Source(a)));

        using var h2 = tls.Client(HttpVersion.Version20);
        var response = await h2.GetAsync($"https://a.example:{tls.HttpsPort}/protocol");
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("HTTP/1.1", await response.Content.ReadAsStringAsync());
        var headers = await (await h2.GetAsync($"https://a.example:{tls.HttpsPort}/headers")).Content.ReadAsStringAsync();
        Assert.Contains("X-Forwarded-Proto: https", headers);
        Assert.Equal(1, h2.Connections);

        using var h1 = tls.Client(HttpVersion.Version11);
        var h1Response = await h1.GetAsync($"https://a.example:{tls.HttpsPort}/protocol");
        Assert.Equal(HttpVersion.Version11, h1Response.Version);
        Assert.Equal("HTTP/1.1", await h1Response.Content.ReadAsStringAsync());
        Assert.Equal(3, tls.Backend.Hits);
    }

    [Fact]
    public async Task Alpn_follows_the_configured_protocols()
    {
        var directory = TlsFrontEnd.NewDirectory();
        var a = ServerCertificates.CreatePem(directory.Path, "a", "a.example", ["a.example"]);
        await using var tls = await TlsFrontEnd.StartAsync(output, directory,
            TlsFrontEnd.Settings(TlsFrontEnd.Source(a)) with { Protocols = [SslApplicationProtocol.Http11] });

        using var h2 = tls.Client(HttpVersion.Version20);
        await Assert.ThrowsAsync<HttpRequestException>(() => h2.GetAsync($"https://a.example:{tls.HttpsPort}/"));
        using var h1 = tls.Client(HttpVersion.Version11);
        Assert.Equal(HttpStatusCode.OK, (await h1.GetAsync($"https://a.example:{tls.HttpsPort}/")).StatusCode);
        // A client offering only http/1.0 (curl --http1.0) is served as nginx serves it; one offering only h2 is refused.
        Assert.Equal(a.Subject, await ServerCertificates.PresentedSubjectAsync(tls.HttpsPort, "a.example", alpn: "http/1.0"));
        await Assert.ThrowsAnyAsync<Exception>(() => ServerCertificates.PresentedSubjectAsync(tls.HttpsPort, "a.example", alpn: "h2"));
    }

    [Fact]
    public async Task A_rewritten_certificate_serves_new_handshakes_while_an_open_connection_keeps_working()
    {
        var directory = TlsFrontEnd.NewDirectory();
        var v1 = ServerCertificates.CreatePem(directory.Path, "a", "a.example", ["a.example"], organization: "v1");
        var other = ServerCertificates.CreatePem(directory.Path, "o", "o.example", ["o.example"]);
        // Watching only (no periodic re-read): the file events alone must bring the change in.
        await using var tls = await TlsFrontEnd.StartAsync(output, directory, TlsFrontEnd.Settings(TlsFrontEnd.Source(v1), TlsFrontEnd.Source(other)));
        var url = $"https://a.example:{tls.HttpsPort}/";

        using var kept = tls.Client();
        Assert.Equal("b1", await (await kept.GetAsync(url)).Content.ReadAsStringAsync());
        Assert.Equal([v1.Subject], kept.Subjects);

        using var v2Certificate = ServerCertificates.Create("a.example", ["a.example"], organization: "v2");
        var v2 = ServerCertificates.WriteOver(v2Certificate, v1);
        await Poll.UntilAsync(async () => await ServerCertificates.PresentedSubjectAsync(tls.HttpsPort, "a.example") == v2.Subject,
            "new handshakes to present the rewritten certificate");
        Assert.Equal(2, tls.Store.Current.Generation);
        Assert.Equal(other.Subject, await ServerCertificates.PresentedSubjectAsync(tls.HttpsPort, "o.example"));

        // The connection opened before the reload still answers, on the same connection with the old certificate.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("b1", await (await kept.GetAsync(url)).Content.ReadAsStringAsync());
        }
        Assert.Equal(1, kept.Connections);
        Assert.Equal([v1.Subject], kept.Subjects);

        using var fresh = tls.Client();
        Assert.Equal("b1", await (await fresh.GetAsync(url)).Content.ReadAsStringAsync());
        Assert.Equal([v2.Subject], fresh.Subjects);
        Assert.Equal(1, tls.Logs.Count(LogLevel.Information, "Reloaded HTTPS certificate"));
        Assert.Equal(0, tls.Store.FailedReloads);
    }

    [Fact]
    public async Task A_kubernetes_secret_style_symlink_swap_is_picked_up()
    {
        // The kubelet's layout: tls.crt -> ..data/tls.crt, ..data -> ..<timestamp>/; an update writes a new
        // timestamped directory and renames a new ..data link over the old one, atomically.
        var directory = TlsFrontEnd.NewDirectory();
        var mount = directory.Path;
        void Publish(string version, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
        {
            var target = Path.Combine(mount, $"..{version}");
            Directory.CreateDirectory(target);
            ServerCertificates.Write(certificate, target, "tls");
            var link = Path.Combine(mount, "..data_tmp");
            File.CreateSymbolicLink(link, $"..{version}");
            // rename(2) over the old link, as the kubelet's atomic writer does (File.Move refuses a link to a directory).
            Assert.Equal(0, Rename(link, Path.Combine(mount, "..data")));
        }
        using var v1 = ServerCertificates.Create("site.example", ["site.example"], organization: "v1");
        Publish("2026_01", v1);
        File.CreateSymbolicLink(Path.Combine(mount, "tls.crt"), "..data/tls.crt");
        File.CreateSymbolicLink(Path.Combine(mount, "tls.key"), "..data/tls.key");
        await using var tls = await TlsFrontEnd.StartAsync(output, directory,
            TlsFrontEnd.Settings(new CertificateSource(Path.Combine(mount, "tls.crt"), Path.Combine(mount, "tls.key"), [])));
        Assert.Equal(v1.Subject, await ServerCertificates.PresentedSubjectAsync(tls.HttpsPort, "site.example"));

        using var v2 = ServerCertificates.Create("site.example", ["site.example"], organization: "v2");
        Publish("2026_02", v2);
        Directory.Delete(Path.Combine(mount, "..2026_01"), recursive: true);
        await Poll.UntilAsync(async () => await ServerCertificates.PresentedSubjectAsync(tls.HttpsPort, "site.example") == v2.Subject,
            "the swapped Secret's certificate to be served");
        Assert.Equal(0, tls.Store.FailedReloads);
    }

    [Fact]
    public async Task A_corrupt_or_mismatched_replacement_keeps_the_old_certificate_until_the_files_are_fixed()
    {
        var directory = TlsFrontEnd.NewDirectory();
        var v1 = ServerCertificates.CreatePem(directory.Path, "a", "a.example", ["a.example"], organization: "v1");
        await using var tls = await TlsFrontEnd.StartAsync(output, directory,
            TlsFrontEnd.Settings(TlsFrontEnd.Source(v1)) with { ReloadInterval = TimeSpan.FromMilliseconds(200) });
        using var admin = new HttpClient { BaseAddress = tls.FrontEnd.AdminUrl };

        // Half a certificate, as a crashed writer leaves it.
        var pem = await File.ReadAllTextAsync(v1.CertificatePath);
        await File.WriteAllTextAsync(v1.CertificatePath, pem[..(pem.Length / 2)]);
        await Poll.UntilAsync(() => tls.Store.ReloadError(0) is not null, "the corrupt file to be reported");
        Assert.Contains("PEM certificate", tls.Store.ReloadError(0));
        Assert.Equal(v1.Subject, await ServerCertificates.PresentedSubjectAsync(tls.HttpsPort, "a.example"));
        Assert.Equal(1, tls.Store.Current.Generation);
        using (var status = JsonDocument.Parse(await admin.GetStringAsync("/status")))
        {
            var https = status.RootElement.GetProperty("listeners").EnumerateArray().Single(l => l.GetProperty("name").GetString() == "https");
            var certificate = https.GetProperty("certificates")[0];
            Assert.Equal(v1.Subject, certificate.GetProperty("subject").GetString());
            Assert.Contains("PEM certificate", certificate.GetProperty("reloadError").GetString());
        }

        // A valid certificate with the key of another: still the old one, and the reason says so.
        using var v2 = ServerCertificates.Create("a.example", ["a.example"], organization: "v2");
        using var stranger = ServerCertificates.Create("stranger", ["stranger.example"]);
        await File.WriteAllTextAsync(v1.KeyPath, ServerCertificates.KeyPem(stranger));
        await File.WriteAllTextAsync(v1.CertificatePath, v2.ExportCertificatePem());
        await Poll.UntilAsync(() => tls.Store.ReloadError(0)?.Contains("does not belong", StringComparison.Ordinal) == true, "the mismatched key to be reported");
        Assert.Equal(v1.Subject, await ServerCertificates.PresentedSubjectAsync(tls.HttpsPort, "a.example"));
        // Two bad contents (a re-read between the two writes may have seen a third pair, half old, half new).
        var failures = tls.Store.FailedReloads;
        Assert.InRange(failures, 2, 3);
        // Reported once per bad content, not on every re-read.
        var checks = tls.Store.Checks;
        await Poll.UntilAsync(() => tls.Store.Checks >= checks + 3, "three more re-reads");
        Assert.Equal(failures, tls.Store.FailedReloads);
        Assert.Equal(failures, tls.Logs.Count(LogLevel.Warning, "cannot be loaded"));
        Assert.Equal(0, tls.Logs.Lines.Count(l => l.Level >= LogLevel.Error));

        // The right key: served, and the error is gone.
        await File.WriteAllTextAsync(v1.KeyPath, ServerCertificates.KeyPem(v2));
        await Poll.UntilAsync(async () => await ServerCertificates.PresentedSubjectAsync(tls.HttpsPort, "a.example") == v2.Subject, "the fixed pair to be served");
        Assert.Null(tls.Store.ReloadError(0));
    }

    [Fact]
    public async Task The_http_listener_redirects_to_https_with_308_when_asked()
    {
        var directory = TlsFrontEnd.NewDirectory();
        var a = ServerCertificates.CreatePem(directory.Path, "a", "shop.example", ["shop.example"]);
        await using var tls = await TlsFrontEnd.StartAsync(output, directory,
            TlsFrontEnd.Settings(TlsFrontEnd.Source(a)) with { RedirectHttp = true }, http2: true);
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false }) { BaseAddress = tls.FrontEnd.HttpUrl };

        var request = new HttpRequestMessage(HttpMethod.Post, "/cart/add?item=42&q=a%20b") { Content = new StringContent("x") };
        request.Headers.Host = "shop.example:8080";
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal($"https://shop.example:{tls.HttpsPort}/cart/add?item=42&q=a%20b", response.Headers.Location?.OriginalString);

        // Followed, it lands on the HTTPS listener and reaches the backend.
        using var client = tls.Client();
        Assert.Equal("b1", await (await client.GetAsync(response.Headers.Location!.OriginalString)).Content.ReadAsStringAsync());
        Assert.Equal(1, tls.Backend.Hits);

        // The h2c listener is not redirected.
        using var h2c = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        Assert.Equal(HttpStatusCode.OK, (await h2c.GetAsync(new Uri(tls.FrontEnd.Http2Url!, "/"))).StatusCode);

        using var status = JsonDocument.Parse(await new HttpClient { BaseAddress = tls.FrontEnd.AdminUrl }.GetStringAsync("/status"));
        var listeners = status.RootElement.GetProperty("listeners");
        Assert.True(listeners[0].GetProperty("redirectsToHttps").GetBoolean());
    }

    [Fact]
    public async Task The_redirect_names_the_public_port_and_leaves_443_out()
    {
        var directory = TlsFrontEnd.NewDirectory();
        var a = ServerCertificates.CreatePem(directory.Path, "a", "shop.example", ["shop.example"]);
        await using var tls = await TlsFrontEnd.StartAsync(output, directory,
            TlsFrontEnd.Settings(TlsFrontEnd.Source(a)) with { RedirectHttp = true, RedirectPort = 443 });

        var answer = await RawTcp.SendAsync(tls.FrontEnd.HttpUrl.Port, "GET /a/b?c=d HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n");
        Assert.Equal(308, answer.Status);
        Assert.Contains("\r\nLocation: https://shop.example/a/b?c=d\r\n", answer.Text);
        Assert.Equal(0, tls.Backend.Hits);
    }

    [Fact]
    public async Task Garbage_instead_of_a_client_hello_is_closed_and_logged_at_debug_while_other_clients_go_on()
    {
        var directory = TlsFrontEnd.NewDirectory();
        var a = ServerCertificates.CreatePem(directory.Path, "a", "a.example", ["a.example"]);
        await using var tls = await TlsFrontEnd.StartAsync(output, directory,
            TlsFrontEnd.Settings(TlsFrontEnd.Source(a)) with { HandshakeTimeout = TimeSpan.FromSeconds(2) });
        var port = tls.HttpsPort;

        var random = RandomNumberGenerator.GetBytes(600);
        random[0] = 0x47; // not a TLS record type
        // A handshake record whose ClientHello is noise, of the length it claims.
        var noise = RandomNumberGenerator.GetBytes(200);
        var fakeHello = new byte[] { 0x16, 0x03, 0x01, 0x00, 0xCC, 0x01, 0x00, 0x00, 0xC8 }.Concat(noise).ToArray();
        // The start of a record that never completes: closed at the handshake timeout.
        var truncated = new byte[] { 0x16, 0x03, 0x01, 0x40, 0x00, 0x01 };
        var garbage = new[]
        {
            RawTcp.SendAsync(port, random, TimeSpan.FromSeconds(10)),
            RawTcp.SendAsync(port, "GET / HTTP/1.1\r\nHost: a.example\r\n\r\n", TimeSpan.FromSeconds(10)),
            RawTcp.SendAsync(port, fakeHello, TimeSpan.FromSeconds(10)),
            RawTcp.SendAsync(port, truncated, TimeSpan.FromSeconds(10)),
        };

        using var client = tls.Client();
        var good = Task.Run(async () =>
        {
            var answers = new List<string>();
            for (var i = 0; i < 20; i++)
            {
                answers.Add(await (await client.GetAsync($"https://a.example:{port}/")).Content.ReadAsStringAsync());
            }
            return answers;
        });

        var answers = await Task.WhenAll(garbage);
        foreach (var answer in answers)
        {
            output.WriteLine($"garbage client: {answer.End} after {answer.Elapsed.TotalMilliseconds:0} ms, {answer.Text.Length} bytes back");
            Assert.True(answer.Ended, $"the connection was left open: {answer}");
            // Nothing but (at most) a TLS alert comes back: never a certificate, never an HTTP answer.
            Assert.True(answer.Text.Length == 0 || answer.Text[0] == (char)0x15, $"unexpected answer: {answer}");
        }
        Assert.True(answers[0].Elapsed < TimeSpan.FromSeconds(1.5), "garbage is refused at once, not at the handshake timeout");
        Assert.True(answers[3].Elapsed >= TimeSpan.FromSeconds(1.5), "an unfinished record is closed at the handshake timeout");
        Assert.All(await good, answer => Assert.Equal("b1", answer));
        Assert.Equal(1, client.Connections);

        await Poll.UntilAsync(() => tls.Logs.Lines.Count(l => l.Level == LogLevel.Debug && l.Category == typeof(HttpsEndpoint).FullName) >= 4, "a debug line per closed connection");
        Assert.Contains(tls.Logs.Lines, l => l.Level == LogLevel.Debug && l.Message.Contains("no valid TLS ClientHello", StringComparison.Ordinal) && l.Message.Contains("127.0.0.1", StringComparison.Ordinal));
        Assert.DoesNotContain(tls.Logs.Lines, l => l.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Tls11_is_refused_and_tls12_and_13_are_accepted()
    {
        var directory = TlsFrontEnd.NewDirectory();
        var a = ServerCertificates.CreatePem(directory.Path, "a", "a.example", ["a.example"]);
        await using var tls = await TlsFrontEnd.StartAsync(output, directory, TlsFrontEnd.Settings(TlsFrontEnd.Source(a)));
        var port = tls.HttpsPort;

        // A hand-written ClientHello, so the test does not depend on whether this machine's TLS library still
        // lets a client offer TLS 1.1 (OpenSSL 3 at its default security level does not). The same hello offering
        // TLS 1.2 gets a ServerHello: the control that the bytes are a valid hello. Note that OpenSSL 3 refuses TLS
        // 1.1 on the server side at that level too, whatever min-version says; min-version's own effect is what
        // Min_version_13_refuses_a_tls12_client shows.
        var control = await RawTcp.SendAsync(port, ClientHello(0x0303, "a.example"), TimeSpan.FromSeconds(3));
        Assert.True(control.Text.Length > 5 && control.Text[0] == (char)0x16 && control.Text[5] == (char)0x02, $"TLS 1.2 hello not answered with a ServerHello: {control}");

        var old = await RawTcp.SendAsync(port, ClientHello(0x0302, "a.example"), TimeSpan.FromSeconds(5));
        output.WriteLine($"TLS 1.1 hello: {old.End}, {old.Text.Length} bytes: {Convert.ToHexString(System.Text.Encoding.Latin1.GetBytes(old.Text))}");
        Assert.True(old.Ended);
        Assert.False(old.Text.Length > 0 && old.Text[0] == (char)0x16, "the server answered a TLS 1.1 hello with a handshake");
        if (old.Text.Length >= 7)
        {
            Assert.Equal((char)0x15, old.Text[0]);
            Assert.Equal((char)70, old.Text[6]); // alert protocol_version
        }

        Assert.Equal(a.Subject, await ServerCertificates.PresentedSubjectAsync(port, "a.example", SslProtocols.Tls12));
        Assert.Equal(a.Subject, await ServerCertificates.PresentedSubjectAsync(port, "a.example", SslProtocols.Tls13));
    }

    [Fact]
    public async Task Min_version_13_refuses_a_tls12_client()
    {
        var directory = TlsFrontEnd.NewDirectory();
        var a = ServerCertificates.CreatePem(directory.Path, "a", "a.example", ["a.example"]);
        await using var tls = await TlsFrontEnd.StartAsync(output, directory,
            TlsFrontEnd.Settings(TlsFrontEnd.Source(a)) with { MinVersion = TlsMinVersion.Tls13 });

        await Assert.ThrowsAnyAsync<Exception>(() => ServerCertificates.PresentedSubjectAsync(tls.HttpsPort, "a.example", SslProtocols.Tls12));
        Assert.Equal(a.Subject, await ServerCertificates.PresentedSubjectAsync(tls.HttpsPort, "a.example", SslProtocols.Tls13));
    }

    [Fact]
    public async Task A_missing_file_stops_the_start_naming_the_entry()
    {
        using var directory = TlsFrontEnd.NewDirectory();
        var a = ServerCertificates.CreatePem(directory.Path, "a", "a.example", ["a.example"]);
        var missing = TlsFrontEnd.Source(a) with { Key = Path.Combine(directory.Path, "nope.key"), ConfigPath = "clusterlb.proxy.https.certificates[0]" };
        var e = await Assert.ThrowsAsync<CertificateLoadException>(() => TlsFrontEnd.StartAsync(output, TlsFrontEnd.NewDirectory(), TlsFrontEnd.Settings(missing)));
        Assert.Equal($"clusterlb.proxy.https.certificates[0].key: the file '{Path.Combine(directory.Path, "nope.key")}' does not exist", e.Message);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "rename", SetLastError = true)]
    private static extern int Rename([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string from, [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string to);

    /// <summary>
    /// A minimal ClientHello offering <paramref name="version"/> (0x0302 = TLS 1.1, 0x0303 = TLS 1.2) and no
    /// supported_versions extension, so it offers nothing newer; ECDHE-ECDSA suites for the test's P-256 certificates.
    /// </summary>
    private static byte[] ClientHello(ushort version, string serverName)
    {
        static void U16(List<byte> b, int v) { b.Add((byte)(v >> 8)); b.Add((byte)v); }
        var hello = new List<byte>();
        U16(hello, version);
        hello.AddRange(RandomNumberGenerator.GetBytes(32));
        hello.Add(0); // no session id
        ushort[] suites = [0xC02B, 0xC02C, 0xC009, 0xC00A, 0xC013, 0xC014, 0x002F, 0x0035];
        U16(hello, suites.Length * 2);
        foreach (var suite in suites)
        {
            U16(hello, suite);
        }
        hello.Add(1);
        hello.Add(0); // null compression
        var extensions = new List<byte>();
        var name = System.Text.Encoding.ASCII.GetBytes(serverName);
        U16(extensions, 0x0000); // server_name
        U16(extensions, name.Length + 5);
        U16(extensions, name.Length + 3);
        extensions.Add(0);
        U16(extensions, name.Length);
        extensions.AddRange(name);
        U16(extensions, 0x000A); // supported_groups: secp256r1
        U16(extensions, 4);
        U16(extensions, 2);
        U16(extensions, 0x0017);
        U16(extensions, 0x000B); // ec_point_formats: uncompressed
        U16(extensions, 2);
        extensions.Add(1);
        extensions.Add(0);
        U16(extensions, 0x000D); // signature_algorithms
        U16(extensions, 8);
        U16(extensions, 6);
        U16(extensions, 0x0403);
        U16(extensions, 0x0804);
        U16(extensions, 0x0401);
        U16(hello, extensions.Count);
        hello.AddRange(extensions);

        var record = new List<byte> { 0x16, 0x03, 0x01 };
        U16(record, hello.Count + 4);
        record.Add(0x01); // ClientHello
        record.Add(0);
        U16(record, hello.Count);
        record.AddRange(hello);
        return [.. record];
    }
}
