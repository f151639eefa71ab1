using System.Net;
using System.Collections.Concurrent;
using ClusterLb.Balancing.Settings;
using ClusterLb.IntegrationTests.Grpc;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Proxy;
using global::Grpc.Core;
using global::Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// A Grpc.Net.Client client through the proxy's h2c listener to Grpc.AspNetCore backends: unary, server-streaming and
/// bidirectional calls arrive whole and in order, with their trailers and statuses, over h2c (<c>http-version = http2</c>)
/// and over https with ALPN h2.
/// </summary>
public sealed class GrpcPassThroughTests(ITestOutputHelper output) : IDisposable
{
    private const int Messages = 50;
    private readonly TestCertificates _ca = TestCertificates.CreateCa("grpc");

    [Fact]
    public async Task Unary_streaming_and_bidi_calls_pass_through_to_an_h2c_and_an_https_backend()
    {
        await using var h2c = await GrpcBackendAsync("h2c", https: null);
        var certificate = _ca.Server("grpc.test");
        await using var tls = await GrpcBackendAsync("tls", https => https.ServerCertificate = certificate);
        await using var harness = await NodeHarness.StartAsync(output, [], ProxySettings.Loopback,
            Service("h2c", UpstreamConnectionSettings.Default with { HttpVersion = UpstreamHttpVersion.Http2 }, h2c.Url),
            // https: auto asks for HTTP/2 through ALPN; the backend's certificate is checked against the test CA.
            Service("tls", UpstreamConnectionSettings.Default with { Tls = new UpstreamTlsSettings("grpc.test", true, _ca.CaFile, null, null) }, tls.Url),
            // What happens without http-version = http2: auto speaks HTTP/1.1 to a cleartext host, which an h2c-only gRPC server refuses.
            Service("h1", UpstreamConnectionSettings.Default, h2c.Url));

        // The h2c pool's health checks are HTTP/2 too (an h2c-only backend cannot answer HTTP/1.1 probes).
        await Poll.UntilAsync(() => h2c.Probes >= 2, "two h2c health probes answered");
        foreach (var (service, backend) in new[] { ("h2c", h2c), ("tls", tls) })
        {
            using var channel = Channel(harness, service);
            var client = new Echo.EchoClient(channel);

            using var unary = client.SayAsync(new EchoRequest { Text = "hello" });
            Assert.Equal($"{service}:hello", (await unary.ResponseAsync).Text);
            Assert.Equal(StatusCode.OK, unary.GetStatus().StatusCode);
            Assert.Equal(service, unary.GetTrailers().GetValue("x-backend"));

            using var failing = client.SayAsync(new EchoRequest { Text = "fail:no such thing" });
            var refused = await Assert.ThrowsAsync<RpcException>(() => failing.ResponseAsync);
            Assert.Equal(StatusCode.FailedPrecondition, refused.StatusCode);
            Assert.Equal("no such thing", refused.Status.Detail);
            Assert.Equal("asked", refused.Trailers.GetValue("x-reason"));

            using var count = client.Count(new CountRequest { Count = Messages });
            var streamed = new List<EchoReply>();
            await foreach (var reply in count.ResponseStream.ReadAllAsync())
            {
                streamed.Add(reply);
            }
            Assert.Equal(Enumerable.Range(1, Messages), streamed.Select(r => r.Sequence));
            Assert.All(streamed, r => Assert.Equal($"{service}:{r.Sequence}", r.Text));
            Assert.Equal(StatusCode.OK, count.GetStatus().StatusCode);
            Assert.Equal(Messages.ToString(System.Globalization.CultureInfo.InvariantCulture), count.GetTrailers().GetValue("x-count"));

            using var chat = client.Chat();
            for (var i = 1; i <= Messages; i++)
            {
                // Each message must come back before the next is sent: both directions stream at once.
                await chat.RequestStream.WriteAsync(new EchoRequest { Text = $"m{i}" });
                Assert.True(await chat.ResponseStream.MoveNext(CancellationToken.None));
                Assert.Equal(new EchoReply { Text = $"{service}:m{i}", Sequence = i }, chat.ResponseStream.Current);
            }
            await chat.RequestStream.CompleteAsync();
            Assert.False(await chat.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(StatusCode.OK, chat.GetStatus().StatusCode);
            Assert.All(backend.Protocols, p => Assert.Equal("HTTP/2", p));
        }

        using var h1Channel = Channel(harness, "h1");
        var h1 = await Assert.ThrowsAsync<RpcException>(() => new Echo.EchoClient(h1Channel).SayAsync(new EchoRequest { Text = "hello" }).ResponseAsync);
        Assert.NotEqual(StatusCode.OK, h1.StatusCode);
        output.WriteLine($"protocol = auto to an h2c-only gRPC backend: {h1.Status}");
    }

    public void Dispose() => _ca.Dispose();

    /// <summary>A channel to the proxy's h2c listener whose calls name <paramref name="service"/> as their :authority.</summary>
    private static GrpcChannel Channel(NodeHarness harness, string service) =>
        GrpcChannel.ForAddress(harness.Node.Http2Url!, new GrpcChannelOptions { HttpHandler = new Authority($"{service}.test", new SocketsHttpHandler()) });

    private static ServiceSettings Service(string name, UpstreamConnectionSettings connection, Uri address) =>
        new(name, new ServiceMatch([$"{name}.test"], "/"), [
            new PoolSettings(name, BalancingMethod.RoundRobin, 0, [new HostSettings("g1", address)],
                name == "h2c" ? NodeHarness.FastChecks() : HealthCheckSettings.Default with { Enabled = false }, PassiveHealthSettings.Default with { Enabled = false })
            {
                Connection = connection,
            }]);

    /// <summary>Sets the Host (HTTP/2's :authority), by which the proxy picks the service.</summary>
    private sealed class Authority(string host, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Host = host;
            return base.SendAsync(request, cancellationToken);
        }
    }

    private static Task<GrpcBackend> GrpcBackendAsync(string name, Action<Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions>? https) =>
        GrpcBackend.StartAsync(name, https);
}

/// <summary>A Grpc.AspNetCore backend of the Echo service, h2c only or https (HTTP/1.1 and HTTP/2), with a /health endpoint.</summary>
internal sealed class GrpcBackend : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _protocols = new();
    private KestrelBackend _app = null!;
    private int _probes;

    public Uri Url => _app.Url;

    public int Probes => Volatile.Read(ref _probes);

    /// <summary>The protocol of every gRPC call received.</summary>
    public IReadOnlyList<string> Protocols => [.. _protocols];

    public static async Task<GrpcBackend> StartAsync(string name, Action<Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions>? https)
    {
        var backend = new GrpcBackend();
        backend._app = await KestrelBackend.StartAsync(
            https is null ? HttpProtocols.Http2 : HttpProtocols.Http1AndHttp2,
            https,
            services =>
            {
                services.AddGrpc();
                services.AddSingleton(new EchoService(name, backend._protocols));
            },
            app =>
            {
                app.MapGrpcService<EchoService>();
                app.MapGet("/health", () =>
                {
                    Interlocked.Increment(ref backend._probes);
                    return "ok";
                });
            });
        return backend;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}

/// <summary>The Echo service: replies carry the backend's name; trailers say who answered and how many were sent.</summary>
internal sealed class EchoService(string name, ConcurrentQueue<string> protocols) : Echo.EchoBase
{
    public override Task<EchoReply> Say(EchoRequest request, ServerCallContext context)
    {
        protocols.Enqueue(context.GetHttpContext().Request.Protocol);
        if (request.Text.StartsWith("fail:", StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, request.Text["fail:".Length..]), new Metadata { { "x-reason", "asked" } });
        }
        context.ResponseTrailers.Add("x-backend", name);
        return Task.FromResult(new EchoReply { Text = $"{name}:{request.Text}", Sequence = 1 });
    }

    public override async Task Count(CountRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        protocols.Enqueue(context.GetHttpContext().Request.Protocol);
        for (var i = 1; i <= request.Count; i++)
        {
            await responseStream.WriteAsync(new EchoReply { Text = $"{name}:{i}", Sequence = i });
        }
        context.ResponseTrailers.Add("x-count", request.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public override async Task Chat(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        protocols.Enqueue(context.GetHttpContext().Request.Protocol);
        var sequence = 0;
        await foreach (var message in requestStream.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(new EchoReply { Text = $"{name}:{message.Text}", Sequence = ++sequence });
        }
    }
}
