using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Settings;
using ClusterLb.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>UDP services (<c>protocol = udp</c>) through a whole node over real sockets: sessions, a refusing host, a flood.</summary>
public sealed class UdpServiceTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_client_keeps_its_host_for_its_session_and_moves_when_that_host_stops_answering()
    {
        await using var b1 = UdpEchoBackend.Start("b1");
        await using var b2 = UdpEchoBackend.Start("b2");
        await using var harness = await NodeHarness.StartAsync(output, [], Service("dns", [b1, b2], Listener));
        var endpoint = harness.Node.StreamEndpoint("dns");

        using var a = Client(endpoint);
        using var b = Client(endpoint);
        var first = await ExchangeAsync(a, "a0");
        var backendOfA = first.Split(':')[0];
        for (var i = 1; i < 5; i++)
        {
            Assert.Equal($"{backendOfA}:a{i}", await ExchangeAsync(a, $"a{i}"));
        }
        // Round robin per session: the second client gets the other host.
        var other = backendOfA == "b1" ? "b2" : "b1";
        Assert.Equal($"{other}:b0", await ExchangeAsync(b, "b0"));

        (backendOfA == "b1" ? b1 : b2).Kill();
        // Its next datagram meets ICMP port unreachable: the session ends and the host is marked down, so a
        // following datagram opens a session on the other host.
        var moved = 0;
        await Poll.UntilAsync(async () => await TryExchangeAsync(a, $"again {++moved}", TimeSpan.FromMilliseconds(300)) == $"{other}:again {moved}",
            $"client a to be answered by {other} after {backendOfA} closed its port");
        Assert.False(harness.IsUp(backendOfA, "dns"));
        Assert.Equal($"{other}:b1", await ExchangeAsync(b, "b1"));
    }

    [Fact]
    public async Task A_flood_from_one_source_is_limited_and_another_client_keeps_getting_answers()
    {
        await using var backend = UdpEchoBackend.Start("b1");
        await using var harness = await NodeHarness.StartAsync(output, [],
            Service("dns", [backend], Listener with { MaxPacketsPerSecond = 200 }));
        var endpoint = harness.Node.StreamEndpoint("dns");

        using var flooder = Client(endpoint);
        using var quiet = Client(endpoint);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var quietDone = false;
        var flooded = 0;
        // The flood goes on until the quiet client is done, so every one of its questions meets the flood.
        var flood = Task.Run(async () =>
        {
            var datagram = new byte[512];
            while (!Volatile.Read(ref quietDone))
            {
                await flooder.SendAsync(datagram, SocketFlags.None);
                flooded++;
            }
        });
        var answered = 0;
        for (var i = 0; i < 30; i++)
        {
            // As a resolver would, the quiet client resends a question that got no answer in 500 ms (at most 3 times).
            for (var attempt = 0; attempt < 3; attempt++)
            {
                if (await TryExchangeAsync(quiet, $"q{i}", TimeSpan.FromMilliseconds(500)) == $"b1:q{i}")
                {
                    answered++;
                    break;
                }
            }
        }
        Volatile.Write(ref quietDone, true);
        await flood;
        var elapsed = started.Elapsed;

        Assert.Equal(30, answered);
        // Of the flood only the limit's share reached the host: 200 a second over the run (plus one window).
        var floodForwarded = backend.Received - 30;
        var allowed = 200 * ((int)Math.Ceiling(elapsed.TotalSeconds) + 1);
        Assert.InRange(floodForwarded, 1, allowed);
        output.WriteLine($"flood of {flooded} in {elapsed.TotalMilliseconds:0} ms: {floodForwarded} forwarded (allowed {allowed})");
    }

    private static StreamListenerSettings Listener { get; } =
        new("127.0.0.1", 0, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), ProxyProtocolVersion.Off, StreamListenerSettings.DefaultMaxUdpSessions, 0);

    private static ServiceSettings Service(string name, IEnumerable<UdpEchoBackend> backends, StreamListenerSettings listener) =>
        new(name, ServiceMatch.Any, [new PoolSettings(name, BalancingMethod.RoundRobin, 0,
            backends.Select(b => new HostSettings(b.Name, b.Address)).ToImmutableArray(),
            HealthCheckSettings.Default with { Enabled = false }, PassiveHealthSettings.Default)])
        {
            Protocol = ServiceProtocol.Udp,
            Stream = listener,
        };

    private static Socket Client(IPEndPoint endpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(endpoint);
        return socket;
    }

    private static async Task<string> ExchangeAsync(Socket socket, string text) =>
        await TryExchangeAsync(socket, text, TimeSpan.FromSeconds(5)) ?? throw new TimeoutException($"no answer to '{text}'");

    /// <summary>Sends one datagram and returns the next answer that belongs to it, or null by the deadline.</summary>
    private static async Task<string?> TryExchangeAsync(Socket socket, string text, TimeSpan deadline)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None);
        var buffer = new byte[2048];
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                var answer = Encoding.ASCII.GetString(buffer, 0, read);
                // A late answer to an earlier question is skipped.
                if (answer.EndsWith(":" + text, StringComparison.Ordinal))
                {
                    return answer;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (SocketException)
        {
            // ICMP port unreachable from the proxy's side: nothing is listening.
            return null;
        }
    }
}
