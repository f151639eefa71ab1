using System.Net.Sockets;
using System.Threading.Channels;
using ClusterLb.Remote.Transport;
using ClusterLb.Remote.Wire;

namespace ClusterLb.Remote.Associations;

/// <summary>
/// One handshaken outbound connection of an <see cref="Association"/>: first resends every unacknowledged system
/// message, then writes queued frames in order until the connection fails, while reading the peer's acks and
/// disassociations. Cancellable from outside (quarantine, tests).
/// </summary>
internal sealed class OutboundConnection : IDisposable
{
    private const int FlushEvery = 256;
    private readonly FramedConnection _connection;
    private readonly SystemMessageBuffer _system;
    private readonly RemoteTransport _transport;
    private readonly NodeAddress _remote;
    private readonly CancellationTokenSource _cts;

    public OutboundConnection(FramedConnection connection, long peerUid, SystemMessageBuffer system, RemoteTransport transport, NodeAddress remote, CancellationToken stopping)
    {
        _connection = connection;
        PeerUid = peerUid;
        _system = system;
        _transport = transport;
        _remote = remote;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    }

    /// <summary>The peer incarnation this connection was handshaken with.</summary>
    public long PeerUid { get; }

    /// <summary>Ends the connection; <see cref="RunAsync"/> returns soon after.</summary>
    public void Cancel()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    /// <summary>
    /// Writes until the connection ends and returns why. <paramref name="onUserDequeued"/> runs for each user frame
    /// taken off the queue. Throws <see cref="OperationCanceledException"/> only when <c>stopping</c> was cancelled.
    /// </summary>
    public async Task<string> RunAsync(ChannelReader<OutboundItem> queue, Action onUserDequeued, CancellationToken stopping)
    {
        var reader = ReadFromPeerAsync();
        try
        {
            if (_transport.IsQuarantined(PeerUid))
            {
                return "peer uid quarantined";
            }

            foreach (var frame in _system.TakeAllUnacked())
            {
                _connection.Write(frame);
            }

            await _connection.FlushAsync(_cts.Token).ConfigureAwait(false);
            while (true)
            {
                var pending = 0;
                while (queue.TryRead(out var item))
                {
                    Write(item, onUserDequeued);
                    if (++pending >= FlushEvery)
                    {
                        await _connection.FlushAsync(_cts.Token).ConfigureAwait(false);
                        pending = 0;
                    }
                }

                if (pending > 0)
                {
                    await _connection.FlushAsync(_cts.Token).ConfigureAwait(false);
                }

                if (!await queue.WaitToReadAsync(_cts.Token).ConfigureAwait(false))
                {
                    return "association stopped";
                }
            }
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested
            && ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            Cancel();
            _connection.Abort();
            var readerReason = await reader.ConfigureAwait(false);
            return ex is OperationCanceledException ? readerReason : ex.Message;
        }
        finally
        {
            Cancel();
            await _connection.DisposeAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(false);
        }
    }

    public void Dispose() => _cts.Dispose();

    private void Write(OutboundItem item, Action onUserDequeued)
    {
        switch (item.Kind)
        {
            case OutboundItemKind.User:
                onUserDequeued();
                _connection.Write(item.Frame!);
                break;
            case OutboundItemKind.SendSystem:
                foreach (var frame in _system.TakeUnsent())
                {
                    _connection.Write(frame);
                }

                break;
            case OutboundItemKind.ResendSystem:
                foreach (var frame in _system.TakeAllUnacked())
                {
                    _connection.Write(frame);
                }

                break;
        }
    }

    /// <summary>Reads acks and disassociations until the connection ends; cancels the writer when it does.</summary>
    private async Task<string> ReadFromPeerAsync()
    {
        try
        {
            while (true)
            {
                var frame = await _connection.ReadAsync(_cts.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    return "closed by the peer";
                }

                switch (frame.PduCase)
                {
                    case WireFrame.PduOneofCase.Ack:
                        _system.Ack(frame.Ack.CumulativeSeq);
                        break;
                    case WireFrame.PduOneofCase.Disassociate:
                        if (frame.Disassociate.Reason == DisassociateReason.Quarantined)
                        {
                            _transport.ReportThisNodeQuarantined(_remote, frame.Disassociate.Detail);
                        }

                        return $"the peer disassociated: {frame.Disassociate.Reason}: {frame.Disassociate.Detail}";
                    default:
                        return $"protocol violation: {frame.PduCase} on an outbound connection";
                }
            }
        }
        catch (OperationCanceledException)
        {
            return _transport.IsQuarantined(PeerUid) ? "peer uid quarantined" : "connection closed";
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return ex.Message;
        }
        finally
        {
            Cancel();
        }
    }
}
