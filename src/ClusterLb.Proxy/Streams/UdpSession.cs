using System.Buffers;
using System.Net;
using System.Net.Sockets;
using ClusterLb.Balancing.Routing;

namespace ClusterLb.Proxy.Streams;

/// <summary>
/// One client address of a UDP service (kube-proxy's model): a socket connected to the client's host, which
/// relays the host's datagrams back to the client from the service's port, until the session is idle. Only the
/// listener's receive loop sends through it and counts its rate; the reply loop runs on its own.
/// </summary>
internal sealed class UdpSession
{
    private const int MaxDatagram = 64 * 1024;
    private readonly Socket _upstream;
    private readonly Socket _listener;
    private readonly SocketAddress _client;
    private readonly int _packetsPerSecond;
    private long _lastActivity = Environment.TickCount64;
    private long _windowStart = Environment.TickCount64;
    private int _windowPackets;
    private int _ended;

    public UdpSession(UpstreamHost host, Socket upstream, Socket listener, SocketAddress client, TimeSpan connectTime, int packetsPerSecond)
    {
        Host = host;
        _upstream = upstream;
        _listener = listener;
        _client = client;
        ConnectTime = connectTime;
        _packetsPerSecond = packetsPerSecond;
    }

    /// <summary>The host this client's datagrams go to.</summary>
    public UpstreamHost Host { get; }

    /// <summary>How long resolving and connecting the host's socket took (the session's latency sample).</summary>
    public TimeSpan ConnectTime { get; }

    /// <summary>Bytes from the client to the host.</summary>
    public long UpstreamBytes { get; private set; }

    /// <summary>Bytes from the host to the client (written by the reply loop).</summary>
    public long DownstreamBytes;

    /// <summary>True when the host refused the datagrams (ICMP port unreachable): a passive failure.</summary>
    public bool Refused { get; private set; }

    /// <summary>True once <see cref="End"/> ran.</summary>
    public bool HasEnded => Volatile.Read(ref _ended) != 0;

    /// <summary>True when nothing moved either way for longer than <paramref name="idleMs"/>.</summary>
    public bool IsIdle(long now, long idleMs) => now - Volatile.Read(ref _lastActivity) > idleMs;

    /// <summary>
    /// Counts a datagram against the client's rate; false when it is over <c>max-packets-per-second</c> in the
    /// current one-second window (the datagram is dropped). Called by the receive loop only.
    /// </summary>
    public bool TryAdmit(long now)
    {
        if (_packetsPerSecond <= 0)
        {
            return true;
        }
        if (now - _windowStart >= 1000)
        {
            _windowStart = now;
            _windowPackets = 0;
        }
        return ++_windowPackets <= _packetsPerSecond;
    }

    /// <summary>Sends a client datagram to the host.</summary>
    public async ValueTask SendAsync(ReadOnlyMemory<byte> datagram)
    {
        Volatile.Write(ref _lastActivity, Environment.TickCount64);
        UpstreamBytes += datagram.Length;
        try
        {
            await _upstream.SendAsync(datagram, SocketFlags.None).ConfigureAwait(false);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            Refused = true;
            End();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            End();
        }
    }

    /// <summary>Relays the host's datagrams to the client until the session ends.</summary>
    public async Task RelayRepliesAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxDatagram);
        try
        {
            while (true)
            {
                var read = await _upstream.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).ConfigureAwait(false);
                Volatile.Write(ref _lastActivity, Environment.TickCount64);
                Interlocked.Add(ref DownstreamBytes, read);
                await _listener.SendToAsync(buffer.AsMemory(0, read), SocketFlags.None, _client).ConfigureAwait(false);
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            // The host's port is closed: the kernel saw ICMP port unreachable for an earlier datagram.
            Refused = true;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Ended (idle, stop) or the listener is closed.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            End();
        }
    }

    /// <summary>Closes the host's socket; the reply loop ends.</summary>
    public void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            _upstream.Dispose();
        }
    }
}
