using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// A client connection that writes raw HTTP/2 frames (<see cref="H2Frames"/>) and reads what the server answers on
/// a task of its own: PING acknowledgements, which tell the writer the server has handled everything before them,
/// and GOAWAY.
/// </summary>
internal sealed class RawH2Connection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly Channel<long> _pingAcks = Channel.CreateUnbounded<long>();
    private readonly Task _reading;
    private readonly CancellationTokenSource _stop = new();
    private uint? _goAway;

    private RawH2Connection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
        _reading = Task.Run(ReadAsync);
    }

    /// <summary>The error code of the GOAWAY the server sent, null before one.</summary>
    public uint? GoAway => _goAway;

    /// <summary>The server closed or reset the connection.</summary>
    public Task Ended => _reading;

    /// <summary>Frames read so far.</summary>
    public int FramesRead { get; private set; }

    /// <summary>Streams the server reset with ENHANCE_YOUR_CALM (refused: too many streams still being processed).</summary>
    public int StreamsRefused { get; private set; }

    /// <param name="port">The loopback port of an h2c listener.</param>
    /// <param name="receiveBuffer">The socket's receive buffer in bytes; small makes a client that reads slowly.</param>
    public static async Task<RawH2Connection> ConnectAsync(int port, int? receiveBuffer = null)
    {
        var client = new TcpClient();
        if (receiveBuffer is { } size)
        {
            client.ReceiveBufferSize = size;
        }
        await client.ConnectAsync(IPAddress.Loopback, port);
        return new RawH2Connection(client);
    }

    /// <summary>Writes <paramref name="bytes"/>; false when the server closed the connection first.</summary>
    public async Task<bool> WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellation = default)
    {
        try
        {
            await _stream.WriteAsync(bytes, cancellation);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Waits for the acknowledgement of PING <paramref name="opaque"/>; false when the connection ended first.</summary>
    public async Task<bool> PingAckedAsync(long opaque, TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            while (await _pingAcks.Reader.WaitToReadAsync(timeout.Token))
            {
                while (_pingAcks.Reader.TryRead(out var acked))
                {
                    if (acked == opaque)
                    {
                        return true;
                    }
                }
            }
            return false;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"no PING ACK {opaque} and no close within {deadline.TotalSeconds:0} s");
        }
    }

    /// <summary>Stops reading (the server's frames then pile up unread: a client that has stopped reading).</summary>
    public void StopReading() => _stop.Cancel();

    private async Task ReadAsync()
    {
        var header = new byte[9];
        try
        {
            while (true)
            {
                await _stream.ReadExactlyAsync(header, _stop.Token);
                var length = (header[0] << 16) | (header[1] << 8) | header[2];
                var payload = new byte[length];
                await _stream.ReadExactlyAsync(payload, _stop.Token);
                FramesRead++;
                if (header[3] == H2Frames.GoAway && length >= 8)
                {
                    _goAway = BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4));
                }
                else if (header[3] == H2Frames.RstStream && length == 4 && BinaryPrimitives.ReadUInt32BigEndian(payload) == H2Frames.EnhanceYourCalm)
                {
                    StreamsRefused++;
                }
                else if (header[3] == H2Frames.Ping && (header[4] & H2Frames.Ack) != 0 && length == 8)
                {
                    _pingAcks.Writer.TryWrite(BinaryPrimitives.ReadInt64BigEndian(payload));
                }
            }
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Closed or reset by the server, or reading was stopped.
        }
        finally
        {
            _pingAcks.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _client.Dispose();
        await _reading;
        _stop.Dispose();
    }
}
