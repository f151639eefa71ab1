using System.Net;
using ClusterLb.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// Floods of raw HTTP/2 frames from one client on the proxy's h2c listener: Kestrel's own HTTP/2 limits end or hold
/// back the flooding connection, and another client's requests over HTTP/2 at the same time all succeed.
/// </summary>
public sealed class H2FloodTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_rapid_reset_flood_has_its_streams_refused_with_enhance_your_calm_and_another_client_is_served()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));
        await using var flooder = await RawH2Connection.ConnectAsync(harness.Node.Http2Url!.Port);
        Assert.True(await flooder.WriteAsync(Concat([H2Frames.Preface, H2Frames.EmptySettings()])));

        // CVE-2023-44487: batches of streams opened and cancelled at once, never waiting for an answer. A PING after
        // each batch tells when the server has read it; the next batch goes only then, so the refusals are read as
        // they come (an abort with our bytes unread resets the connection and loses what was in flight).
        const int Batches = 100, PerBatch = 200;
        var flood = Task.Run(async () =>
        {
            uint stream = 1;
            for (var batch = 0L; batch < Batches; batch++)
            {
                var frames = new List<byte[]>();
                for (var i = 0; i < PerBatch; i++, stream += 2)
                {
                    frames.Add(H2Frames.Get(stream, "localhost", "/"));
                    frames.Add(H2Frames.Reset(stream, H2Frames.Cancel));
                }
                frames.Add(H2Frames.PingFrame(batch));
                if (!await flooder.WriteAsync(Concat(frames)) || !await flooder.PingAckedAsync(batch, Deadline))
                {
                    break;
                }
            }
            return (int)(stream - 1) / 2;
        });
        var served = await OtherClientAsync(harness, flood);
        var opened = await flood;

        // Kestrel refuses a new stream while too many reset ones are still being processed (RST_STREAM
        // ENHANCE_YOUR_CALM), and aborts the connection with GOAWAY ENHANCE_YOUR_CALM when refusals pile up within its
        // window; how far the flood gets before that depends on how fast the proxy finishes the cancelled requests.
        output.WriteLine($"rapid reset: {opened} of {Batches * PerBatch} streams written, {flooder.StreamsRefused} refused with ENHANCE_YOUR_CALM, "
            + $"connection {(flooder.Ended.IsCompleted ? "closed by the server" : "still open")}, GOAWAY {(flooder.GoAway is { } code ? $"0x{code:x}" : "not read")}; "
            + $"the backend saw {backends[0].Hits} requests; the other client was served {served} times");
        Assert.True(flooder.StreamsRefused > 0 || flooder.GoAway == H2Frames.EnhanceYourCalm, "Kestrel refused streams or ended the connection with ENHANCE_YOUR_CALM");
        Assert.True(backends[0].Hits < opened / 2, $"most cancelled streams never reached the backend ({backends[0].Hits} of {opened})");
        Assert.True(served >= 20);
    }

    [Fact]
    public async Task A_settings_and_ping_flood_that_reads_nothing_is_held_back_and_another_client_is_served()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));
        // Every SETTINGS and PING asks for an acknowledgement; this client never reads one.
        await using var flooder = await RawH2Connection.ConnectAsync(harness.Node.Http2Url!.Port, receiveBuffer: 4096);
        flooder.StopReading();
        Assert.True(await flooder.WriteAsync(H2Frames.Preface));
        var pair = Concat([H2Frames.EmptySettings(), H2Frames.PingFrame(1)]);
        var chunk = Concat(Enumerable.Repeat(pair, 1024 * 1024 / pair.Length));
        const int Chunks = 32;

        // Kestrel's acknowledgements fill the socket buffers to the client; then Kestrel stops reading the client's
        // frames, so the client's writes stall (TCP backpressure) instead of costing the server memory or CPU.
        using var stalled = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var written = 0L;
        var writing = Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < Chunks && await flooder.WriteAsync(chunk, stalled.Token); i++)
                {
                    Interlocked.Add(ref written, chunk.Length);
                }
            }
            catch (OperationCanceledException)
            {
                // The write that could not proceed, cut at the deadline.
            }
        });
        var served = await OtherClientAsync(harness, writing);
        await writing;

        var total = (long)Chunks * chunk.Length;
        output.WriteLine($"settings/ping flood: {written} of {total} bytes taken in 2 s from a client that reads nothing; other client served {served} times");
        Assert.True(written < total / 2, $"the server took {written} of {total} bytes from a client that reads nothing");
        Assert.True(served >= 20);
    }

    /// <summary>A well-behaved HTTP/2 client sending requests until <paramref name="until"/> completes (20 at least); every one must succeed.</summary>
    private static async Task<int> OtherClientAsync(NodeHarness harness, Task until)
    {
        using var h2 = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact, Timeout = TimeSpan.FromSeconds(10) };
        var served = 0;
        while (!until.IsCompleted || served < 20)
        {
            using var response = await h2.GetAsync(harness.Node.Http2Url!);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("b1", await response.Content.ReadAsStringAsync());
            served++;
        }
        return served;
    }

    private static byte[] Concat(IEnumerable<byte[]> frames) => frames.SelectMany(f => f).ToArray();
}
