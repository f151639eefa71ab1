using System.Net.Sockets;
using ClusterLb.Remote.Associations;
using ClusterLb.Remote.Handshake;
using ClusterLb.Remote.Wire;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Remote.Transport;

/// <summary>
/// One accepted connection: runs the accepting side of the handshake, then reads the peer's user and system messages
/// in order and acknowledges system messages on the same connection. Any framing violation closes this connection only.
/// </summary>
internal sealed class InboundConnection
{
    private readonly RemoteTransport _transport;
    private readonly FramedConnection _connection;
    private readonly CancellationTokenSource _cts;
    private readonly ILogger _logger;

    private InboundConnection(RemoteTransport transport, Socket socket, CancellationToken stopping)
    {
        _transport = transport;
        _connection = transport.CreateConnection(socket);
        _cts = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _logger = transport.Logger;
    }

    /// <summary>The peer, once the handshake completed.</summary>
    public UniqueAddress? Peer { get; private set; }

    /// <summary>Closes the connection (used when the peer is quarantined).</summary>
    public void Close()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }
    }

    public static async Task RunAsync(RemoteTransport transport, Socket socket, CancellationToken stopping)
    {
        var inbound = new InboundConnection(transport, socket, stopping);
        try
        {
            await inbound.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            transport.Unregister(inbound);
            await inbound._connection.DisposeAsync().ConfigureAwait(false);
            inbound._cts.Dispose();
        }
    }

    private async Task RunAsync()
    {
        var reason = "closed by the peer";
        try
        {
            using (var handshakeTimeout = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token))
            {
                handshakeTimeout.CancelAfter(_transport.Settings.HandshakeTimeout);
                try
                {
                    Peer = await HandshakeProtocol.AcceptAsync(_connection, _transport.HandshakeContext, handshakeTimeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!_cts.IsCancellationRequested)
                {
                    _logger.InboundClosed(_connection.RemoteEndPoint, "handshake timed out");
                    return;
                }
            }

            var peer = Peer.Value;
            _transport.OnPeerIdentified(peer);
            _transport.OnInboundAssociated(peer.Address);
            _transport.Register(this);
            _logger.Associated(peer, "inbound");
            _transport.Raise(new AssociatedEvent(peer, Inbound: true));
            reason = await ReadMessagesAsync(peer).ConfigureAwait(false);
        }
        catch (FrameException ex)
        {
            reason = ex.Message;
            _transport.ReportRejectedFrame(_connection.RemoteEndPoint, _connection.Remote, ex);
        }
        catch (HandshakeRefusedException ex)
        {
            _transport.ReportRefusal(_connection.Remote, _connection.RemoteEndPoint, ex);
            return;
        }
        catch (OperationCanceledException)
        {
            reason = "closed by this node";
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            reason = ex.Message;
        }

        if (Peer is { } identified)
        {
            if (_transport.IsQuarantined(identified.Uid))
            {
                await TellQuarantinedAsync(identified).ConfigureAwait(false);
                reason = "peer uid quarantined";
            }

            _logger.Disassociated(identified.Address, "inbound", reason);
            _transport.Raise(new DisassociatedEvent(identified.Address, Inbound: true, reason));
        }
        else
        {
            _logger.InboundClosed(_connection.RemoteEndPoint, reason);
        }
    }

    private async Task<string> ReadMessagesAsync(UniqueAddress peer)
    {
        var inbox = _transport.InboxFor(peer);
        while (true)
        {
            var frame = await _connection.ReadAsync(_cts.Token).ConfigureAwait(false);
            if (frame is null)
            {
                return "closed by the peer";
            }

            if (_transport.IsQuarantined(peer.Uid))
            {
                _transport.Metrics.Dropped(DropReason.Quarantined);
                return "peer uid quarantined";
            }

            switch (frame.PduCase)
            {
                case WireFrame.PduOneofCase.User:
                    _transport.Delivery.User(peer, frame.User);
                    break;
                case WireFrame.PduOneofCase.System:
                    AcceptSystem(peer, inbox, frame.System);
                    _connection.Write(new WireFrame { Ack = new SystemAck { CumulativeSeq = inbox.CumulativeAck } });
                    await _connection.FlushAsync(_cts.Token).ConfigureAwait(false);
                    break;
                case WireFrame.PduOneofCase.Disassociate:
                    return $"the peer disassociated: {frame.Disassociate.Reason}: {frame.Disassociate.Detail}";
                default:
                    throw new FrameException(FrameViolation.Malformed, $"{frame.PduCase} is not allowed after the handshake");
            }
        }
    }

    private void AcceptSystem(UniqueAddress peer, SystemMessageInbox inbox, SystemEnvelope envelope)
    {
        // Held across delivery so a second connection from the same incarnation cannot interleave or duplicate.
        lock (inbox.Gate)
        {
            if (inbox.TryAccept(envelope.Seq))
            {
                _transport.Delivery.System(peer, envelope);
            }
        }
    }

    private async Task TellQuarantinedAsync(UniqueAddress peer)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await _connection.SendAsync(new WireFrame
            {
                Disassociate = new Disassociate
                {
                    Reason = DisassociateReason.Quarantined,
                    Detail = $"{peer} is quarantined by {_transport.LocalAddress}",
                },
            }, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // Best effort: the peer also learns it at its next handshake.
        }
    }
}
