using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Proxy.Streams;

/// <summary>
/// The listener of one TCP service (<c>protocol = tcp</c>): accepts connections on the service's own port and runs
/// a <see cref="TcpProxyConnection"/> for each. Stopping closes the port first, then waits for open connections to
/// finish until the drain is cut, and closes the rest.
/// </summary>
public sealed partial class TcpProxyListener : IStreamListener
{
    private readonly ServiceSettings _service;
    private readonly StreamListenerSettings _settings;
    private readonly RouteHandle _handle;
    private readonly StreamMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<TcpProxyConnection, Task> _connections = new();
    private readonly Socket _socket;
    private Task _accepting = Task.CompletedTask;
    private Timer? _idleSweep;

    /// <summary>Creates the listener of <paramref name="service"/>; nothing is bound until <see cref="Start"/>.</summary>
    public TcpProxyListener(ServiceSettings service, RouteHandle handle, StreamMetrics metrics, ILogger<TcpProxyListener> logger)
    {
        _service = service;
        _settings = service.Stream ?? throw new ArgumentException($"service '{service.Name}' has no listen address", nameof(service));
        _handle = handle;
        _metrics = metrics;
        _logger = logger;
        var address = IPAddress.Parse(_settings.Bind);
        _socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            _socket.DualMode = address.Equals(IPAddress.IPv6Any);
        }
    }

    /// <inheritdoc />
    public string ServiceName => _service.Name;

    /// <inheritdoc />
    public ServiceProtocol Protocol => ServiceProtocol.Tcp;

    /// <inheritdoc />
    public IPEndPoint LocalEndPoint => (IPEndPoint?)_socket.LocalEndPoint ?? throw new InvalidOperationException("The listener is not started.");

    /// <summary>Open connections.</summary>
    public int OpenConnections => _connections.Count;

    /// <inheritdoc />
    public void Start()
    {
        try
        {
            _socket.Bind(new IPEndPoint(IPAddress.Parse(_settings.Bind), _settings.Port));
        }
        catch (SocketException ex)
        {
            throw new IOException($"TCP service {_service.Name} cannot listen on {_settings.Listen}: {ex.Message}", ex);
        }
        _socket.Listen(512);
        var sweepEvery = TimeSpan.FromMilliseconds(Math.Clamp(_settings.IdleTimeout.TotalMilliseconds / 4, 50, 1000));
        _idleSweep = new Timer(_ => CloseIdle(), null, sweepEvery, sweepEvery);
        _accepting = AcceptAsync();
        LogListening(_service.Name, LocalEndPoint);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken drain)
    {
        _socket.Dispose();
        await _accepting.ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_connections.Values).WaitAsync(drain).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogDrainCut(_service.Name, _connections.Count);
        }
        foreach (var connection in _connections.Keys)
        {
            connection.Abort();
        }
        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        if (_idleSweep is not null)
        {
            await _idleSweep.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var cut = new CancellationTokenSource();
        await cut.CancelAsync().ConfigureAwait(false);
        await StopAsync(cut.Token).ConfigureAwait(false);
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.Shutdown or SocketError.InvalidArgument)
            {
                return;
            }
            catch (SocketException ex)
            {
                // A client gone before it was accepted, or out of descriptors: the port stays open.
                LogAcceptFailed(_service.Name, ex.SocketErrorCode);
                continue;
            }
            if (_settings.MaxConnections > 0 && _connections.Count >= _settings.MaxConnections)
            {
                _metrics.Started(_service.Name, "tcp", "", "", StreamOutcomes.Refused);
                LogRefused(_service.Name, client.RemoteEndPoint, _settings.MaxConnections);
                client.Dispose();
                continue;
            }
            client.NoDelay = true;
            var connection = new TcpProxyConnection(client, _service, _handle, _metrics, _logger);
            _connections[connection] = connection.Completion;
            // Started here rather than through Task.Run: the connection runs on this thread until its connect is
            // pending, which saves a thread-pool hop and its wake-ups per connection (measured in bench/tcp).
            _ = RunAsync(connection);
        }
    }

    private async Task RunAsync(TcpProxyConnection connection)
    {
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogConnectionFailed(_service.Name, ex);
            connection.Abort();
        }
        finally
        {
            _connections.TryRemove(connection, out Task? _);
            connection.Completed();
        }
    }

    private void CloseIdle()
    {
        var now = Environment.TickCount64;
        foreach (var connection in _connections.Keys)
        {
            if (connection.IsIdle(now))
            {
                LogIdleClosed(_service.Name, _settings.IdleTimeout);
                connection.Abort();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "TCP service {Service} listening on {Endpoint}")]
    private partial void LogListening(string service, IPEndPoint endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP service {Service}: accept failed ({Error}); still listening")]
    private partial void LogAcceptFailed(string service, SocketError error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP service {Service}: refused a connection from {Client}: max-connections {Max} are open")]
    private partial void LogRefused(string service, EndPoint? client, int max);

    [LoggerMessage(Level = LogLevel.Error, Message = "TCP service {Service}: a connection failed unexpectedly")]
    private partial void LogConnectionFailed(string service, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "TCP service {Service}: closed a connection idle for {IdleTimeout}")]
    private partial void LogIdleClosed(string service, TimeSpan idleTimeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP service {Service}: {Open} connections still open at the drain timeout were closed")]
    private partial void LogDrainCut(string service, int open);
}
