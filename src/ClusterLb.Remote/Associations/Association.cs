using System.Net.Sockets;
using System.Threading.Channels;
using ClusterLb.Remote.Handshake;
using ClusterLb.Remote.Transport;
using ClusterLb.Remote.Wire;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Remote.Associations;

/// <summary>
/// The outbound side of the relationship with one peer address. It owns a queue and a single writer loop, so messages
/// leave in the order they were sent; it connects when there is something to send, reconnects with exponential
/// backoff, closes the gate after repeated failures, and resends unacknowledged system messages on every new
/// connection to the same peer incarnation. Frames from the peer on this connection are only acks and disassociations.
/// </summary>
internal sealed class Association : IAsyncDisposable
{
    private readonly RemoteTransport _transport;
    private readonly RemoteSettings _settings;
    private readonly ILogger _logger;
    private readonly Channel<OutboundItem> _queue = Channel.CreateUnbounded<OutboundItem>(new UnboundedChannelOptions { SingleReader = false });
    private readonly SystemMessageBuffer _system;
    private readonly CancellationTokenSource _stop = new();
    private readonly Timer _resendTimer;
    private readonly Action _onUserDequeued;
    private readonly SemaphoreSlim _gateOpened = new(0);
    private int _userQueued;
    private long _gatedUntil;
    private long _peerUid;
    private int _started;
    private volatile Task _loop = Task.CompletedTask;
    private volatile OutboundConnection? _current;

    public Association(RemoteTransport transport, NodeAddress remote)
    {
        _transport = transport;
        _settings = transport.Settings;
        _logger = transport.Logger;
        Remote = remote;
        _system = new SystemMessageBuffer(_settings.SystemMessageBufferSize);
        _onUserDequeued = () => Interlocked.Decrement(ref _userQueued);
        _resendTimer = new Timer(static state => ((Association)state!).OnResendTick(), this, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>The address this association dials.</summary>
    public NodeAddress Remote { get; }

    /// <summary>The uid of the peer incarnation last handshaken with; 0 before the first handshake.</summary>
    public long PeerUid => Volatile.Read(ref _peerUid);

    /// <summary>True while the gate is closed after repeated failures.</summary>
    public bool IsGated => Environment.TickCount64 < Volatile.Read(ref _gatedUntil);

    /// <summary>True while a handshaken connection is up.</summary>
    public bool IsConnected => _current is not null;

    /// <summary>System messages waiting for the peer's ack.</summary>
    public int UnackedSystemMessages => _system.Count;

    /// <summary>Queues a serialized user message; returns why it was dropped, or null.</summary>
    public DropReason? TryEnqueueUser(WireFrame frame)
    {
        if (IsGated)
        {
            return DropReason.Gated;
        }

        if (Interlocked.Increment(ref _userQueued) > _settings.OutboundQueueSize)
        {
            Interlocked.Decrement(ref _userQueued);
            return DropReason.QueueFull;
        }

        _queue.Writer.TryWrite(new OutboundItem(OutboundItemKind.User, frame));
        EnsureStarted();
        return null;
    }

    /// <summary>Buffers a system message for reliable delivery; false when the buffer overflowed.</summary>
    public bool TryEnqueueSystem(SystemEnvelope envelope)
    {
        if (!_system.TryAdd(envelope))
        {
            return false;
        }

        _queue.Writer.TryWrite(OutboundItem.SendSystem);
        EnsureStarted();
        return true;
    }

    /// <summary>The peer uid was quarantined: forget what was pending for it and drop its connection.</summary>
    public void OnQuarantined(long uid)
    {
        if (PeerUid != uid)
        {
            return;
        }

        _system.Reset();
        DrainUserQueue(DropReason.Quarantined);
        var current = _current;
        if (current is not null && current.PeerUid == uid)
        {
            current.Cancel();
        }
    }

    /// <summary>
    /// The peer connected to us and proved who it is, so it is reachable again: lift the gate now rather than when it
    /// expires. Otherwise a node restarted on the same address gets none of our replies (join acknowledgements
    /// included) for the rest of the gate and may, as a first seed, form a second cluster meanwhile.
    /// </summary>
    public void OpenGate()
    {
        if (Interlocked.Exchange(ref _gatedUntil, 0) > Environment.TickCount64)
        {
            _logger.GateOpened(Remote);
            _gateOpened.Release();
        }
    }

    /// <summary>Drops the current connection; the loop reconnects if work is pending.</summary>
    public void AbortConnection() => _current?.Cancel();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _resendTimer.DisposeAsync().ConfigureAwait(false);
        _queue.Writer.TryComplete();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stop.Dispose();
        _gateOpened.Dispose();
    }

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _started) == 0 && Interlocked.CompareExchange(ref _started, 1, 0) == 0)
        {
            _loop = Task.Run(RunAsync);
            var interval = _settings.SystemMessageResendInterval;
            _resendTimer.Change(interval, interval);
        }
    }

    private void OnResendTick()
    {
        if (_system.Count > 0)
        {
            _queue.Writer.TryWrite(OutboundItem.ResendSystem);
        }
    }

    private async Task RunAsync()
    {
        var cancellationToken = _stop.Token;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!await WaitForWorkAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                var gateRemaining = Volatile.Read(ref _gatedUntil) - Environment.TickCount64;
                if (gateRemaining > 0)
                {
                    // OpenGate cuts the wait short; a stale release only costs one more pass through this check.
                    await _gateOpened.WaitAsync(TimeSpan.FromMilliseconds(gateRemaining), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var gateNow = false;
                var connected = false;
                try
                {
                    var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
                    connected = true;
                    failures = 0;
                    var reason = await RunConnectionAsync(connection, cancellationToken).ConfigureAwait(false);
                    _logger.Disassociated(Remote, "outbound", reason);
                    _transport.Raise(new DisassociatedEvent(Remote, Inbound: false, reason));
                }
                catch (HandshakeRefusedException ex)
                {
                    _transport.ReportRefusal(Remote, null, ex);
                    gateNow = true;
                }
                catch (Exception ex) when (ex is IOException or SocketException or TimeoutException or ObjectDisposedException
                    || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    _logger.AssociationFailed(Remote, failures + 1, ex.Message);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // A bug must not silently end the loop and strand every queued message: log it and retry.
                    _logger.AssociationFailedUnexpectedly(ex, Remote);
                }

                if (!connected)
                {
                    failures++;
                }

                if (gateNow || failures >= _settings.RetryGateAfterFailures)
                {
                    CloseGate(failures);
                    failures = 0;
                }
                else if (failures > 0)
                {
                    await Task.Delay(ReconnectBackoff.Delay(failures, _settings.BackoffMin, _settings.BackoffMax), cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Waits until a user message is queued or a system message is unacknowledged; false when stopping.</summary>
    private async ValueTask<bool> WaitForWorkAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            // Wake-ups for the system buffer carry no data: while idle they only mean "look at the buffer".
            while (_queue.Reader.TryPeek(out var item) && item.Kind != OutboundItemKind.User)
            {
                _queue.Reader.TryRead(out _);
            }

            if (Volatile.Read(ref _userQueued) > 0 || _system.Count > 0)
            {
                return true;
            }

            if (!await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }
    }

    private async Task<FramedConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_settings.HandshakeTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        FramedConnection? connection = null;
        try
        {
            await socket.ConnectAsync(Remote.Host, Remote.Port, timeout.Token).ConfigureAwait(false);
            connection = _transport.CreateConnection(socket);
            var peer = await HandshakeProtocol.InitiateAsync(connection, Remote, _transport.HandshakeContext, timeout.Token).ConfigureAwait(false);
            if (peer.Address != Remote)
            {
                _logger.AdvertisedAddressDiffers(Remote, peer.Address);
            }

            _transport.OnPeerIdentified(peer);
            var previous = Interlocked.Exchange(ref _peerUid, peer.Uid);
            if (previous != 0 && previous != peer.Uid)
            {
                // Sequence numbers belong to one incarnation; the new one starts from 1.
                _system.Reset();
            }

            _logger.Associated(peer, "outbound");
            _transport.Raise(new AssociatedEvent(peer, Inbound: false));
            return connection;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await DisposeQuietlyAsync(connection, socket).ConfigureAwait(false);
            throw new TimeoutException($"connecting and handshaking with {Remote} took longer than handshake-timeout {_settings.HandshakeTimeout}");
        }
        catch
        {
            await DisposeQuietlyAsync(connection, socket).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Writes queued frames on a handshaken connection until it fails; returns why it ended.</summary>
    private async Task<string> RunConnectionAsync(FramedConnection connection, CancellationToken cancellationToken)
    {
        using var live = new OutboundConnection(connection, PeerUid, _system, _transport, Remote, cancellationToken);
        _current = live;
        try
        {
            return await live.RunAsync(_queue.Reader, _onUserDequeued, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _current = null;
        }
    }

    private void CloseGate(int failures)
    {
        Volatile.Write(ref _gatedUntil, Environment.TickCount64 + (long)_settings.RetryGateClosedFor.TotalMilliseconds);
        _logger.Gated(Remote, _settings.RetryGateClosedFor, failures);
        DrainUserQueue(DropReason.Gated);
        _transport.Raise(new AssociationGatedEvent(Remote, _settings.RetryGateClosedFor));
    }

    private void DrainUserQueue(DropReason reason)
    {
        // Only the loop reads the channel normally; this runs on the loop or while its connection is being torn down,
        // and TryRead is safe against a concurrent reader.
        while (Volatile.Read(ref _userQueued) > 0 && _queue.Reader.TryRead(out var item))
        {
            if (item.Kind == OutboundItemKind.User)
            {
                Interlocked.Decrement(ref _userQueued);
                _transport.Metrics.Dropped(reason);
            }
        }
    }

    private static async ValueTask DisposeQuietlyAsync(FramedConnection? connection, Socket socket)
    {
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            socket.Dispose();
        }
    }
}
