using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using ClusterLb.Balancing.Settings;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// Pools whose hosts are https:// Kestrel backends with certificates from a test CA, reached at 127.0.0.1: the pool's
/// <c>tls</c> block (SNI name, CA, verify, client certificate) decides whether the proxy and its health checks accept them.
/// </summary>
public sealed class UpstreamTlsTests(ITestOutputHelper output) : IDisposable
{
    private const string BackendName = "backend.test";
    private readonly TestCertificates _ca = TestCertificates.CreateCa("upstream");
    private readonly TestCertificates _otherCa = TestCertificates.CreateCa("other");

    [Fact]
    public async Task The_sni_name_a_private_ca_and_a_client_certificate_reach_backends_by_ip_and_checks_pass()
    {
        await using var backend = await TlsBackendAsync(_ca.Server(BackendName));
        await using var mutual = await TlsBackendAsync(_ca.Server(BackendName), requireClientFrom: _ca);
        await using var foreign = await TlsBackendAsync(_otherCa.Server(BackendName));
        _ca.Client("clusterlb-proxy", out var clientCertificate, out var clientKey);
        var verified = new UpstreamTlsSettings(BackendName, true, _ca.CaFile, null, null);
        await using var harness = await NodeHarness.StartAsync(output, [], ProxySettings.Loopback,
            Service("sni", Pool("sni", verified, NodeHarness.FastChecks(), backend)),
            // No sni: the address's host, 127.0.0.1, sends no SNI and is not a name in the certificate.
            Service("by-ip", Pool("by-ip", verified with { Sni = null }, Off, backend)),
            Service("no-verify", Pool("no-verify", new UpstreamTlsSettings(null, false, null, null, null), Off, foreign)),
            Service("mtls", Pool("mtls", verified with { ClientCertificateFile = clientCertificate, ClientKeyFile = clientKey }, NodeHarness.FastChecks(), mutual)),
            Service("no-client-certificate", Pool("no-client-certificate", verified, Off, mutual)));

        // Active https checks pass against the private CA (the host starts up; its checks must keep passing).
        await Poll.UntilAsync(async () => (await HostAsync(harness, "sni")).GetProperty("checked").GetBoolean() && backend.Probes >= 2, "sni/h1 checked by https probes");
        var sniHost = await HostAsync(harness, "sni");
        Assert.Equal(JsonValueKind.Null, sniHost.GetProperty("lastCheckError").ValueKind);
        Assert.Equal("up", sniHost.GetProperty("health").GetString());
        Assert.All(backend.ProbeServerNames, name => Assert.Equal(BackendName, name));

        var answer = await SendAsync(harness, "sni");
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        // SNI and Host are the sni name; the connection went to 127.0.0.1; auto spoke HTTP/2 after ALPN.
        Assert.Equal($"sni={BackendName} host={BackendName}:{backend.Url.Port} protocol=HTTP/2 client=", answer.Body);

        var byIp = await SendAsync(harness, "by-ip");
        Assert.Equal(HttpStatusCode.BadGateway, byIp.Status);
        Assert.Contains("upstream by-ip/by-ip/h1: TLS handshake failed", byIp.Body);
        Assert.Contains("RemoteCertificateNameMismatch", byIp.Body);
        Assert.Contains(backend.HandshakeServerNames, string.IsNullOrEmpty);

        var unverified = await SendAsync(harness, "no-verify");
        Assert.Equal(HttpStatusCode.OK, unverified.Status);

        await Poll.UntilAsync(async () => (await HostAsync(harness, "mtls")).GetProperty("checked").GetBoolean() && mutual.Probes >= 1, "mtls/h1 checked with the client certificate");
        Assert.Equal(JsonValueKind.Null, (await HostAsync(harness, "mtls")).GetProperty("lastCheckError").ValueKind);
        var withCertificate = await SendAsync(harness, "mtls");
        Assert.Equal(HttpStatusCode.OK, withCertificate.Status);
        Assert.EndsWith("client=CN=clusterlb-proxy", withCertificate.Body);

        var withoutCertificate = await SendAsync(harness, "no-client-certificate");
        Assert.Equal(HttpStatusCode.BadGateway, withoutCertificate.Status);
        // Only the request with the certificate reached the backend's app.
        Assert.Single(mutual.Requests);
    }

    [Fact]
    public async Task A_certificate_from_another_ca_is_a_connect_failure_with_a_reason_passive_down_and_retried_on_another_host()
    {
        await using var good = await TlsBackendAsync(_ca.Server(BackendName));
        await using var foreign = await TlsBackendAsync(_otherCa.Server(BackendName));
        var tls = new UpstreamTlsSettings(BackendName, true, _ca.CaFile, null, null);
        await using var harness = await NodeHarness.StartAsync(output, [], ProxySettings.Loopback,
            Service("alone", Pool("alone", tls, Off, foreign)),
            Service("mixed", Pool("mixed", tls, Off, foreign, good)),
            Service("checked", Pool("checked", tls, NodeHarness.FastChecks(), foreign)));

        var refused = await SendAsync(harness, "alone");
        Assert.Equal(HttpStatusCode.BadGateway, refused.Status);
        Assert.Contains("upstream alone/alone/h1: TLS handshake failed", refused.Body);
        Assert.Contains("certificate", refused.Body);
        // The failed handshake counts as a passive failure (fall = 1): the only host is out, so the next request gets 503.
        await harness.WaitForHealthAsync("h1", Balancing.Health.HostHealth.Down, "alone");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await SendAsync(harness, "alone")).Status);

        // Beside a good host, every request succeeds: the one sent to the foreign host is retried on the other.
        for (var i = 0; i < 6; i++)
        {
            var answer = await SendAsync(harness, "mixed");
            Assert.Equal(HttpStatusCode.OK, answer.Status);
        }
        await harness.WaitForHealthAsync("h1", Balancing.Health.HostHealth.Down, "mixed");
        Assert.True(good.Requests.Count >= 6);

        // Active checks over https fail the same way and say why.
        await Poll.UntilAsync(async () => (await HostAsync(harness, "checked")).GetProperty("health").GetString() == "down", "checked/h1 down by its https checks");
        Assert.Contains("TLS handshake failed", (await HostAsync(harness, "checked")).GetProperty("lastCheckError").GetString());
    }

    public void Dispose()
    {
        _ca.Dispose();
        _otherCa.Dispose();
    }

    private static HealthCheckSettings Off => HealthCheckSettings.Default with { Enabled = false };

    private static ServiceSettings Service(string name, PoolSettings pool) =>
        new(name, new ServiceMatch([$"{name}.test"], "/"), [pool]);

    private static PoolSettings Pool(string id, UpstreamTlsSettings tls, HealthCheckSettings checks, params TlsBackend[] hosts) =>
        new(id, BalancingMethod.RoundRobin, 0, [.. hosts.Select((h, i) => new HostSettings($"h{i + 1}", h.Url))], checks,
            PassiveHealthSettings.Default with { DownTime = TimeSpan.FromMinutes(5) })
        {
            Connection = UpstreamConnectionSettings.Default with { Tls = tls },
        };

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(NodeHarness harness, string service)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        request.Headers.Host = $"{service}.test";
        using var response = await harness.Client.SendAsync(request);
        return (response.StatusCode, (await response.Content.ReadAsStringAsync()).Trim());
    }

    private static async Task<JsonElement> HostAsync(NodeHarness harness, string service)
    {
        using var status = await harness.StatusAsync();
        return status.RootElement.GetProperty("services").EnumerateArray()
            .Single(s => s.GetProperty("name").GetString() == service)
            .GetProperty("pools").EnumerateArray().SelectMany(p => p.GetProperty("hosts").EnumerateArray())
            .First().Clone();
    }

    private static Task<TlsBackend> TlsBackendAsync(X509Certificate2 certificate, TestCertificates? requireClientFrom = null) =>
        TlsBackend.StartAsync(certificate, requireClientFrom);
}

/// <summary>
/// An https Kestrel backend (HTTP/1.1 and HTTP/2) presenting one certificate; records the SNI name of every
/// handshake and answers with what it saw: SNI, Host, protocol and client certificate.
/// </summary>
internal sealed class TlsBackend : IAsyncDisposable
{
    private readonly ConcurrentQueue<string?> _handshakes = new();
    private readonly ConcurrentQueue<string?> _probeNames = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private KestrelBackend _app = null!;
    private int _probes;

    public Uri Url => _app.Url;

    /// <summary>Health probes answered.</summary>
    public int Probes => Volatile.Read(ref _probes);

    /// <summary>The SNI name of every TLS handshake (null: none sent).</summary>
    public IReadOnlyList<string?> HandshakeServerNames => [.. _handshakes];

    /// <summary>The SNI name of every answered probe.</summary>
    public IReadOnlyList<string?> ProbeServerNames => [.. _probeNames];

    /// <summary>Every answer to a request that was not a probe.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static async Task<TlsBackend> StartAsync(X509Certificate2 certificate, TestCertificates? requireClientFrom)
    {
        var backend = new TlsBackend();
        backend._app = await KestrelBackend.StartAsync(
            HttpProtocols.Http1AndHttp2,
            https =>
            {
                https.ServerCertificateSelector = (_, name) =>
                {
                    backend._handshakes.Enqueue(name);
                    return certificate;
                };
                if (requireClientFrom is not null)
                {
                    https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                    https.ClientCertificateValidation = (client, _, _) => requireClientFrom.Issued(client);
                }
            },
            null,
            app =>
            {
                app.Run(async context =>
                {
                    var sni = context.Features.Get<ITlsHandshakeFeature>()?.HostName;
                    if (context.Request.Path == "/health")
                    {
                        backend._probeNames.Enqueue(sni);
                        Interlocked.Increment(ref backend._probes);
                        return;
                    }
                    var answer = $"sni={sni} host={context.Request.Host} protocol={context.Request.Protocol} client={context.Connection.ClientCertificate?.Subject}";
                    backend._requests.Enqueue(answer);
                    await context.Response.WriteAsync(answer);
                });
            });
        return backend;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
