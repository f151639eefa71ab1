using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using ClusterLb.Remote.Wire;
using Google.Protobuf;

namespace ClusterLb.Remote.Transport;

/// <summary>
/// One TCP connection carrying length-prefixed <see cref="WireFrame"/>s through pipes. Not thread-safe: one reader and
/// one writer at a time. Frames between nodes blocked by <see cref="TransportFaults"/> are silently dropped.
/// </summary>
internal sealed class FramedConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly int _maximumFrameSize;
    private readonly TransportFaults _faults;
    private readonly RemoteMetrics _metrics;
    private int _disposed;

    public FramedConnection(Socket socket, NodeAddress local, int maximumFrameSize, TransportFaults faults, RemoteMetrics metrics)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        _writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024, leaveOpen: true));
        Local = local;
        _maximumFrameSize = maximumFrameSize;
        _faults = faults;
        _metrics = metrics;
        RemoteEndPoint = socket.RemoteEndPoint;
    }

    /// <summary>This node's advertised address (for fault injection).</summary>
    public NodeAddress Local { get; }

    /// <summary>The peer's address, once the handshake names it.</summary>
    public NodeAddress? Remote { get; set; }

    /// <summary>The socket's remote end point, for logs about peers that never said who they are.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>
    /// Reads the next frame, or null when the peer closed the connection cleanly.
    /// Throws <see cref="FrameException"/> for an oversized, malformed or truncated frame.
    /// </summary>
    public async ValueTask<WireFrame?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var before = buffer.Length;
            var status = FrameDecoder.TryDecode(ref buffer, _maximumFrameSize, out var frame, out var error);
            switch (status)
            {
                case DecodeStatus.Frame:
                    _metrics.BytesRead(before - buffer.Length);
                    _reader.AdvanceTo(buffer.Start);
                    if (_faults.IsBlocked(Remote, Local))
                    {
                        _metrics.Dropped(DropReason.FaultInjected);
                        continue;
                    }

                    _metrics.FrameReceived();
                    return frame;
                case DecodeStatus.Oversized:
                    throw new FrameException(FrameViolation.Oversized, error!);
                case DecodeStatus.Malformed:
                    throw new FrameException(FrameViolation.Malformed, error!);
                default:
                    if (result.IsCompleted)
                    {
                        var leftover = buffer.Length;
                        _reader.AdvanceTo(buffer.End);
                        if (leftover == 0)
                        {
                            return null;
                        }

                        throw new FrameException(FrameViolation.Truncated, $"connection closed inside a frame ({leftover} bytes pending)");
                    }

                    _reader.AdvanceTo(buffer.Start, buffer.End);
                    break;
            }
        }
    }

    /// <summary>Buffers one frame; call <see cref="FlushAsync"/> to send. Returns false when fault injection dropped it.</summary>
    public bool Write(WireFrame frame)
    {
        if (_faults.IsBlocked(Local, Remote))
        {
            _metrics.Dropped(DropReason.FaultInjected);
            return false;
        }

        var size = frame.CalculateSize();
        var header = _writer.GetSpan(FrameDecoder.HeaderSize);
        BinaryPrimitives.WriteInt32BigEndian(header, size);
        _writer.Advance(FrameDecoder.HeaderSize);
        frame.WriteTo(_writer);
        _metrics.FrameSent();
        _metrics.BytesWritten(FrameDecoder.HeaderSize + size);
        return true;
    }

    /// <summary>Sends buffered frames.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var result = await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (result.IsCompleted)
        {
            throw new IOException("The connection was closed by the peer.");
        }
    }

    /// <summary>Writes and flushes one frame.</summary>
    public ValueTask SendAsync(WireFrame frame, CancellationToken cancellationToken)
    {
        Write(frame);
        return FlushAsync(cancellationToken);
    }

    /// <summary>Closes the socket; pending reads and writes fail.</summary>
    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed: nothing to abort.
        }

        _socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Abort();
        await _reader.CompleteAsync().ConfigureAwait(false);
        try
        {
            await _writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            // Flushing leftovers into a closed socket fails; the frames are lost either way.
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
