using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Proxy.Forwarding;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Proxy.Streams;

/// <summary>
/// The listener of one UDP service (<c>protocol = udp</c>): every client address gets a <see cref="UdpSession"/>
/// with a host picked for it (the hash methods and client-IP affinity see the client's IP), its datagrams go to
/// that host, and the host's answers go back from the service's port. A session idle for the idle timeout ends;
/// a host that answers with ICMP port unreachable ends it as a passive failure, and the client's next datagram
/// picks again. A client over <c>max-packets-per-second</c> has the excess dropped, and beyond
/// <c>max-connections</c> sessions new clients are dropped, so one noisy source cannot take the others' share.
/// </summary>
public sealed partial class UdpProxyListener : IStreamListener
{
    private const int MaxDatagram = 64 * 1024;
    private readonly ServiceSettings _service;
    private readonly StreamListenerSettings _settings;
    private readonly RouteHandle _handle;
    private readonly StreamMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<SocketAddress, UdpSession> _sessions = new();
    private readonly Socket _socket;
    private Task _receiving = Task.CompletedTask;
    private Timer? _idleSweep;
    private long _lastDropLog;

    /// <summary>Creates the listener of <paramref name="service"/>; nothing is bound until <see cref="Start"/>.</summary>
    public UdpProxyListener(ServiceSettings service, RouteHandle handle, StreamMetrics metrics, ILogger<UdpProxyListener> logger)
    {
        _service = service;
        _settings = service.Stream ?? throw new ArgumentException($"service '{service.Name}' has no listen address", nameof(service));
        _handle = handle;
        _metrics = metrics;
        _logger = logger;
        var address = IPAddress.Parse(_settings.Bind);
        _socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            _socket.DualMode = address.Equals(IPAddress.IPv6Any);
        }
        // Room for bursts while the loop forwards: the kernel drops what does not fit.
        _socket.ReceiveBufferSize = 4 * 1024 * 1024;
    }

    /// <inheritdoc />
    public string ServiceName => _service.Name;

    /// <inheritdoc />
    public ServiceProtocol Protocol => ServiceProtocol.Udp;

    /// <inheritdoc />
    public IPEndPoint LocalEndPoint => (IPEndPoint?)_socket.LocalEndPoint ?? throw new InvalidOperationException("The listener is not started.");

    /// <summary>Open sessions.</summary>
    public int OpenSessions => _sessions.Count;

    /// <inheritdoc />
    public void Start()
    {
        try
        {
            _socket.Bind(new IPEndPoint(IPAddress.Parse(_settings.Bind), _settings.Port));
        }
        catch (SocketException ex)
        {
            throw new IOException($"UDP service {_service.Name} cannot listen on {_settings.Listen}: {ex.Message}", ex);
        }
        var sweepEvery = TimeSpan.FromMilliseconds(Math.Clamp(_settings.IdleTimeout.TotalMilliseconds / 4, 50, 1000));
        _idleSweep = new Timer(_ => EndIdle(), null, sweepEvery, sweepEvery);
        _receiving = Task.Run(ReceiveAsync);
        LogListening(_service.Name, LocalEndPoint);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken drain)
    {
        // A datagram service has nothing in flight to wait for: closing the port ends every session.
        _socket.Dispose();
        await _receiving.ConfigureAwait(false);
        if (_idleSweep is not null)
        {
            await _idleSweep.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var address in _sessions.Keys)
        {
            Remove(address);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync(CancellationToken.None));

    private async Task ReceiveAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxDatagram);
        var from = new SocketAddress(_socket.AddressFamily);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await _socket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, from).ConfigureAwait(false);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.MessageSize)
                {
                    // An ICMP error for an answer sent to a client that is gone, or a datagram larger than 64 KiB.
                    continue;
                }
                var now = Environment.TickCount64;
                if (!_sessions.TryGetValue(from, out var session) || session.HasEnded)
                {
                    session = await OpenAsync(from).ConfigureAwait(false);
                    if (session is null)
                    {
                        continue;
                    }
                }
                if (!session.TryAdmit(now))
                {
                    _metrics.Dropped(_service.Name, "rate");
                    LogDropped(now, from, "max-packets-per-second", _settings.MaxPacketsPerSecond);
                    continue;
                }
                await session.SendAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<UdpSession?> OpenAsync(SocketAddress from)
    {
        if (_sessions.TryGetValue(from, out var ended))
        {
            Remove(from, ended);
        }
        if (_settings.MaxConnections > 0 && _sessions.Count >= _settings.MaxConnections)
        {
            _metrics.Dropped(_service.Name, "sessions");
            LogDropped(Environment.TickCount64, from, "max-connections", _settings.MaxConnections);
            return null;
        }
        var key = new SocketAddress(from.Family, from.Size);
        from.Buffer.Span.CopyTo(key.Buffer.Span);
        var client = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(key);
        var clientHash = StreamHostPicker.ClientHash(client.Address);
        var tried = new TriedHosts();
        var attempts = Math.Min(_service.Retries.Attempts, RetrySettings.MaxAttempts);
        for (var attempt = 0; attempt <= attempts; attempt++)
        {
            var snapshot = _handle.Snapshot;
            var host = StreamHostPicker.Choose(snapshot, clientHash, ((ReadOnlySpan<UpstreamHost?>)tried)[..attempt]);
            if (host is null)
            {
                if (attempt == 0)
                {
                    _metrics.Started(_service.Name, "udp", "", "", StreamOutcomes.NoHost);
                    LogNoHost(_service.Name, client, snapshot.NoHostReason);
                }
                return null;
            }
            tried[attempt] = host;
            RouteHandle.Track(host);
            var started = Stopwatch.GetTimestamp();
            Socket upstream;
            try
            {
                using var timeout = new CancellationTokenSource(_settings.ConnectTimeout);
                upstream = await HostSockets.ConnectAsync(host.Address, SocketType.Dgram, ProtocolType.Udp, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                // A name that does not resolve, or no route: another host.
                RouteHandle.Complete(host, new RequestOutcome(0, Stopwatch.GetElapsedTime(started), ConnectFailed: true));
                LogConnectFailed(_service.Name, host.PoolId, host.Id, ex.Message);
                continue;
            }
            var session = new UdpSession(host, upstream, _socket, key, Stopwatch.GetElapsedTime(started), _settings.MaxPacketsPerSecond);
            _sessions[key] = session;
            _metrics.Started(_service.Name, "udp", host.PoolId, host.Id, StreamOutcomes.Proxied);
            _ = Task.Run(async () =>
            {
                await session.RelayRepliesAsync().ConfigureAwait(false);
                Remove(key, session);
            });
            return session;
        }
        return null;
    }

    private void EndIdle()
    {
        var now = Environment.TickCount64;
        var idle = (long)_settings.IdleTimeout.TotalMilliseconds;
        foreach (var (address, session) in _sessions)
        {
            if (session.IsIdle(now, idle))
            {
                Remove(address, session);
            }
        }
    }

    private void Remove(SocketAddress address)
    {
        if (_sessions.TryGetValue(address, out var session))
        {
            Remove(address, session);
        }
    }

    /// <summary>Ends <paramref name="session"/> and settles its host's counters, once.</summary>
    private void Remove(SocketAddress address, UdpSession session)
    {
        if (!_sessions.TryRemove(new KeyValuePair<SocketAddress, UdpSession>(address, session)))
        {
            return;
        }
        session.End();
        var host = session.Host;
        RouteHandle.Complete(host, session.Refused
            ? new RequestOutcome(0, session.ConnectTime, ConnectFailed: true)
            : new RequestOutcome(0, session.ConnectTime, false) { Connected = true });
        if (session.Refused)
        {
            LogRefusedByHost(_service.Name, host.PoolId, host.Id);
        }
        _metrics.Ended(_service.Name, "udp", session.UpstreamBytes, Interlocked.Read(ref session.DownstreamBytes));
    }

    private void LogDropped(long now, SocketAddress from, string limit, int value)
    {
        // At most one line a second per service: a flood must not become a log flood.
        if (now - _lastDropLog < 1000)
        {
            return;
        }
        _lastDropLog = now;
        LogDroppedDatagrams(_service.Name, new IPEndPoint(IPAddress.Any, 0).Create(from), limit, value);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "UDP service {Service} listening on {Endpoint}")]
    private partial void LogListening(string service, IPEndPoint endpoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "UDP service {Service}: no host for datagrams from {Client}: {Reason}")]
    private partial void LogNoHost(string service, IPEndPoint client, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "UDP service {Service}: cannot reach {Pool}/{Host}: {Reason}")]
    private partial void LogConnectFailed(string service, string pool, string host, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "UDP service {Service}: {Pool}/{Host} refused datagrams (port unreachable); the client's next datagram picks again")]
    private partial void LogRefusedByHost(string service, string pool, string host);

    [LoggerMessage(Level = LogLevel.Warning, Message = "UDP service {Service}: dropping datagrams from {Client} over {Limit} = {Value} (logged at most once a second)")]
    private partial void LogDroppedDatagrams(string service, EndPoint client, string limit, int value);
}
