using System.Collections.Immutable;
using System.Net.Sockets;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Proxy.Streams;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// The guard for "no per-packet allocation" on a TCP service: once a connection is open, streaming through it
/// allocates nothing per read or write, in the proxy nor (with Memory-based socket calls) in this test's client and
/// echo backend. Measured process-wide with <see cref="GC.GetTotalAllocatedBytes"/> around 64 MiB each way, with
/// no actor system in the process to add its own.
/// </summary>
public sealed class StreamAllocationTests(ITestOutputHelper output)
{
    private const int Megabytes = 64;

    [Fact]
    public async Task Streaming_through_an_open_tcp_connection_allocates_nothing_per_packet()
    {
        await using var backend = TcpEchoBackend.Start("b1");
        var host = new UpstreamHost("echo", "echo", new HostSettings("b1", backend.Address), PassiveHealthSettings.Default, NullOutcomeSink.Instance);
        var handle = new RouteHandle("echo");
        handle.Publish(new RoutingSnapshot("echo", 1, [new PoolRoute("echo", 0, new RoundRobinPolicy(), [host], [host])]));
        var service = new ServiceSettings("echo", ServiceMatch.Any, [])
        {
            Protocol = ServiceProtocol.Tcp,
            Stream = TcpServiceTests.Listener(),
        };
        using var metrics = new StreamMetrics(new object());
        await using var listener = new TcpProxyListener(service, handle, metrics, NullLogger<TcpProxyListener>.Instance);
        listener.Start();
        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(listener.LocalEndPoint);
        var block = new byte[16 * 1024];
        var answer = new byte[64 * 1024];

        await EchoAsync(client, block, answer, 4);
        // Three windows, the least counts: a per-packet allocation shows in every window, while a one-off elsewhere in
        // the process (the test host allocates about 768 KiB once, early) can spoil only one.
        var windows = new long[3];
        for (var w = 0; w < windows.Length; w++)
        {
            var before = GC.GetTotalAllocatedBytes(precise: true);
            await EchoAsync(client, block, answer, Megabytes);
            windows[w] = GC.GetTotalAllocatedBytes(precise: true) - before;
        }
        var allocated = windows.Min();

        var packets = Megabytes * 1024 * 1024 / block.Length;
        output.WriteLine($"{allocated} B allocated in the process while {Megabytes} MiB went each way ({packets} blocks of 16 KiB, {(double)allocated / packets:0.0} B per block; windows {string.Join(", ", windows)})");
        // A single object per read or write in either pump would be at least 24 B x 4 x 4096 blocks = 384 KiB.
        Assert.InRange(allocated, 0, 64 * 1024);
    }

    /// <summary>Sends <paramref name="megabytes"/> MiB in blocks and reads the echo of each block before the next.</summary>
    private static async Task EchoAsync(Socket client, byte[] block, byte[] answer, int megabytes)
    {
        for (var i = 0; i < megabytes * 1024 * 1024 / block.Length; i++)
        {
            await client.SendAsync(block.AsMemory(), SocketFlags.None);
            var received = 0;
            while (received < block.Length)
            {
                var read = await client.ReceiveAsync(answer.AsMemory(), SocketFlags.None);
                if (read == 0)
                {
                    // Not an Assert: xUnit's comparers allocate on every call.
                    throw new InvalidOperationException("the proxy closed the connection");
                }
                received += read;
            }
        }
    }
}
