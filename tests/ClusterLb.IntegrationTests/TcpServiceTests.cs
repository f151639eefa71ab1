using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Settings;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Admin;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// TCP services (<c>protocol = tcp</c>) through a whole node over real sockets: stream integrity and half-close,
/// a backend killed mid-stream, the PROXY header, the idle timeout, max-connections, TCP health checks and the
/// admin API's address rules.
/// </summary>
public sealed class TcpServiceTests(ITestOutputHelper output)
{
    private static readonly HealthCheckSettings NoChecks = HealthCheckSettings.Default with { Enabled = false };

    [Fact]
    public async Task Streams_of_one_megabyte_arrive_intact_and_a_half_close_passes_both_ways()
    {
        await using var b1 = TcpEchoBackend.Start("b1");
        await using var b2 = TcpEchoBackend.Start("b2");
        await using var harness = await NodeHarness.StartAsync(output, [], Service("echo", [b1, b2], NoChecks));
        var endpoint = harness.Node.StreamEndpoint("echo");

        var payloads = Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetBytes(1 << 20)).ToArray();
        // Each client sends everything, then FIN; the backend echoes all of it, then FINs back after ours arrived.
        var echoed = await Task.WhenAll(payloads.Select(p => StreamThroughAsync(endpoint, p)));

        for (var i = 0; i < payloads.Length; i++)
        {
            Assert.True(payloads[i].AsSpan().SequenceEqual(echoed[i]), $"stream {i}: {echoed[i].Length} bytes came back, not the 1 MiB sent");
        }
        Assert.Equal((2, 2), (b1.Accepted, b2.Accepted));
        await Poll.UntilAsync(() => b1.Open + b2.Open == 0, "every backend connection to be closed after both FINs");
    }

    [Fact]
    public async Task A_backend_killed_mid_stream_ends_its_connection_and_new_connections_go_to_the_other_host()
    {
        await using var b1 = TcpEchoBackend.Start("b1");
        await using var b2 = TcpEchoBackend.Start("b2");
        await using var harness = await NodeHarness.StartAsync(output, [], Service("echo", [b1, b2], NoChecks));
        var endpoint = harness.Node.StreamEndpoint("echo");

        using var open = await ConnectAsync(endpoint);
        Assert.Equal("hello", await ExchangeAsync(open, "hello"));
        var (victim, survivor) = b1.Open == 1 ? (b1, b2) : (b2, b1);
        victim.Kill();

        var end = await ReadToEndAsync(open, TimeSpan.FromSeconds(5));
        Assert.NotEqual(RawEnd.Open, end);

        // The killed host refuses the next connect: that connection is retried on the other host, and the refusal
        // takes the host out (passive checks), so the rest go straight to the survivor.
        for (var i = 0; i < 10; i++)
        {
            using var next = await ConnectAsync(endpoint);
            Assert.Equal($"ping {i}", await ExchangeAsync(next, $"ping {i}"));
        }
        Assert.Equal(11, survivor.Accepted + victim.Accepted);
        Assert.Equal(10, survivor.Accepted);
        Assert.False(harness.IsUp(victim.Name, "echo"));
    }

    [Fact]
    public async Task Proxy_protocol_headers_the_idle_timeout_and_max_connections_hold()
    {
        await using var v1 = TcpEchoBackend.Start("v1");
        await using var v2 = TcpEchoBackend.Start("v2");
        await using var idle = TcpEchoBackend.Start("idle");
        await using var one = TcpEchoBackend.Start("one");
        await using var harness = await NodeHarness.StartAsync(output, [],
            Service("pp1", [v1], NoChecks, Listener() with { ProxyProtocol = ProxyProtocolVersion.V1 }),
            Service("pp2", [v2], NoChecks, Listener() with { ProxyProtocol = ProxyProtocolVersion.V2 }),
            Service("idle", [idle], NoChecks, Listener() with { IdleTimeout = TimeSpan.FromMilliseconds(300) }),
            Service("one", [one], NoChecks, Listener() with { MaxConnections = 1 }));

        var pp1 = harness.Node.StreamEndpoint("pp1");
        using (var client = await ConnectAsync(pp1))
        {
            var local = (IPEndPoint)client.LocalEndPoint!;
            var answer = Encoding.ASCII.GetString(await StreamThroughAsync(client, "hi"u8.ToArray()));
            Assert.Equal($"PROXY TCP4 127.0.0.1 127.0.0.1 {local.Port} {pp1.Port}\r\nhi", answer);
        }

        var pp2 = harness.Node.StreamEndpoint("pp2");
        using (var client = await ConnectAsync(pp2))
        {
            var local = (IPEndPoint)client.LocalEndPoint!;
            var answer = await StreamThroughAsync(client, "hi"u8.ToArray());
            var expected = new byte[28 + 2];
            "\r\n\r\n\0\r\nQUIT\n"u8.CopyTo(expected);
            expected[12] = 0x21;
            expected[13] = 0x11;
            BinaryPrimitives.WriteUInt16BigEndian(expected.AsSpan(14), 12);
            IPAddress.Loopback.TryWriteBytes(expected.AsSpan(16), out _);
            IPAddress.Loopback.TryWriteBytes(expected.AsSpan(20), out _);
            BinaryPrimitives.WriteUInt16BigEndian(expected.AsSpan(24), (ushort)local.Port);
            BinaryPrimitives.WriteUInt16BigEndian(expected.AsSpan(26), (ushort)pp2.Port);
            "hi"u8.CopyTo(expected.AsSpan(28));
            Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(answer));
        }

        using (var client = await ConnectAsync(harness.Node.StreamEndpoint("idle")))
        {
            Assert.Equal("a", await ExchangeAsync(client, "a"));
            var quiet = System.Diagnostics.Stopwatch.StartNew();
            Assert.NotEqual(RawEnd.Open, await ReadToEndAsync(client, TimeSpan.FromSeconds(5)));
            Assert.True(quiet.Elapsed >= TimeSpan.FromMilliseconds(250), $"closed after {quiet.Elapsed.TotalMilliseconds:0} ms of silence, before the 300 ms idle timeout");
        }

        var oneEndpoint = harness.Node.StreamEndpoint("one");
        using (var first = await ConnectAsync(oneEndpoint))
        {
            Assert.Equal("first", await ExchangeAsync(first, "first"));
            using var second = await ConnectAsync(oneEndpoint);
            Assert.NotEqual(RawEnd.Open, await ReadToEndAsync(second, TimeSpan.FromSeconds(5)));
            Assert.Equal("still", await ExchangeAsync(first, "still"));
        }
        await Poll.UntilAsync(async () =>
        {
            using var third = await ConnectAsync(oneEndpoint);
            return await TryExchangeAsync(third, "third") == "third";
        }, "a connection to be accepted again once the first one closed");
        Assert.Equal(2, one.Accepted);
    }

    [Fact]
    public async Task Tcp_checks_connect_send_and_expect_and_the_admin_api_keeps_addresses_to_their_protocol()
    {
        await using var good = TcpEchoBackend.Start("good");
        await using var silent = TcpEchoBackend.Start("silent", silent: true);
        var closed = TcpEchoBackend.Start("closed");
        await closed.DisposeAsync();
        var checks = NodeHarness.FastChecks(rise: 1, fall: 2) with { Send = "PING\r\n", Expect = "PING" };
        var web = await NodeHarness.StartBackendsAsync("w1");
        var proxy = ProxySettings.Loopback with { AdminAccess = new AdminAccessSettings("tcp-test-token", ProtectStatus: false) };
        await using var harness = await NodeHarness.StartAsync(output, web, proxy,
            Service("db", [good, silent, closed], checks),
            new ServiceSettings("web", ServiceMatch.Any, [NodeHarness.Pool("web", 0, web)]));

        await harness.WaitForHealthAsync("good", HostHealth.Up, "db");
        await harness.WaitForHealthAsync("silent", HostHealth.Down, "db");
        await harness.WaitForHealthAsync("closed", HostHealth.Down, "db");
        using var status = await harness.StatusAsync();
        var db = status.RootElement.GetProperty("services").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "db");
        Assert.Equal("tcp", db.GetProperty("protocol").GetString());
        Assert.Equal("127.0.0.1:0", db.GetProperty("listen").GetString());
        var silentHost = db.GetProperty("pools")[0].GetProperty("hosts").EnumerateArray().Single(h => h.GetProperty("id").GetString() == "silent");
        Assert.Contains("expect timed out", silentHost.GetProperty("lastCheckError").GetString());

        using var api = new AdminClient(harness.Node.AdminUrl, "tcp-test-token");
        var http = await api.PostAsync("/api/pools/db/hosts", """{"id":"h4","address":"http://127.0.0.1:5432"}""");
        Assert.Equal(400, http.Status);
        Assert.Contains("tcp://host:port", http.Body.ToString());
        var tcpInWeb = await api.PostAsync("/api/pools/web/hosts", """{"id":"h4","address":"tcp://127.0.0.1:5432"}""");
        Assert.Equal(400, tcpInWeb.Status);
        Assert.Contains("http:// or https://", tcpInWeb.Body.ToString());
        await using var added = TcpEchoBackend.Start("added");
        var tcp = await api.PostAsync("/api/pools/db/hosts", $$"""{"id":"added","address":"{{added.Address}}"}""");
        Assert.Equal(201, tcp.Status);
        await harness.WaitForHealthAsync("added", HostHealth.Up, "db");
    }

    internal static StreamListenerSettings Listener() =>
        new("127.0.0.1", 0, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(2), ProxyProtocolVersion.Off, 0, 0);

    private static ServiceSettings Service(string name, IEnumerable<TcpEchoBackend> backends, HealthCheckSettings checks, StreamListenerSettings? listener = null) =>
        new(name, ServiceMatch.Any, [new PoolSettings(name, BalancingMethod.RoundRobin, 0,
            backends.Select(b => new HostSettings(b.Name, b.Address)).ToImmutableArray(), checks, PassiveHealthSettings.Default)])
        {
            Protocol = ServiceProtocol.Tcp,
            Stream = listener ?? Listener(),
        };

    private static async Task<Socket> ConnectAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint);
        return socket;
    }

    private static async Task<byte[]> StreamThroughAsync(IPEndPoint endpoint, byte[] payload)
    {
        using var socket = await ConnectAsync(endpoint);
        return await StreamThroughAsync(socket, payload);
    }

    /// <summary>Sends <paramref name="payload"/> and a FIN while reading, and returns what came back before the peer's FIN.</summary>
    private static async Task<byte[]> StreamThroughAsync(Socket socket, byte[] payload)
    {
        var sending = Task.Run(async () =>
        {
            for (var at = 0; at < payload.Length; at += 64 * 1024)
            {
                await socket.SendAsync(payload.AsMemory(at, Math.Min(64 * 1024, payload.Length - at)), SocketFlags.None);
            }
            socket.Shutdown(SocketShutdown.Send);
        });
        using var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) is var read and > 0)
        {
            received.Write(buffer, 0, read);
        }
        await sending;
        return received.ToArray();
    }

    private static async Task<string> ExchangeAsync(Socket socket, string text) =>
        await TryExchangeAsync(socket, text) ?? throw new InvalidOperationException($"no echo of '{text}'");

    private static async Task<string?> TryExchangeAsync(Socket socket, string text)
    {
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None);
            var buffer = new byte[1024];
            var length = 0;
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            while (length < text.Length)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, deadline.Token);
                if (read == 0)
                {
                    return null;
                }
                length += read;
            }
            return Encoding.ASCII.GetString(buffer, 0, length);
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static async Task<RawEnd> ReadToEndAsync(Socket socket, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        var buffer = new byte[1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
            return RawEnd.Closed;
        }
        catch (SocketException)
        {
            return RawEnd.Reset;
        }
        catch (OperationCanceledException)
        {
            return RawEnd.Open;
        }
    }
}
