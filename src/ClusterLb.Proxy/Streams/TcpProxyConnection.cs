using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Proxy.Forwarding;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Proxy.Streams;

/// <summary>
/// One client connection of a TCP service: picks a host (another one when a connect fails, within the service's
/// retry attempts), optionally sends the PROXY header, then copies bytes both ways with pooled buffers. A FIN from
/// either side is passed on as a FIN (half-close) while the other direction keeps flowing; a reset or the idle
/// timeout closes both.
/// </summary>
internal sealed partial class TcpProxyConnection
{
    private const int BufferSize = 16 * 1024;
    private readonly Socket _client;
    private readonly ServiceSettings _service;
    private readonly StreamListenerSettings _settings;
    private readonly RouteHandle _handle;
    private readonly StreamMetrics _metrics;
    private readonly ILogger _logger;
    private Socket? _upstream;
    private long _lastActivity = Environment.TickCount64;
    private int _closed;

    public TcpProxyConnection(Socket client, ServiceSettings service, RouteHandle handle, StreamMetrics metrics, ILogger logger)
    {
        _client = client;
        _service = service;
        _settings = service.Stream!;
        _handle = handle;
        _metrics = metrics;
        _logger = logger;
    }

    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the connection has ended and its host's counters are settled.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Marks <see cref="Completion"/>; the listener calls it once the connection is out of its table.</summary>
    public void Completed() => _completion.TrySetResult();

    /// <summary>True when nothing moved either way for longer than the idle timeout.</summary>
    public bool IsIdle(long now) => now - Volatile.Read(ref _lastActivity) > (long)_settings.IdleTimeout.TotalMilliseconds;

    /// <summary>Relays until both directions ended, either side reset, or <see cref="Abort"/>.</summary>
    public async Task RunAsync()
    {
        var client = (IPEndPoint)_client.RemoteEndPoint!;
        var (host, upstream, connectTime) = await ConnectAsync(client).ConfigureAwait(false);
        if (host is null || upstream is null)
        {
            Abort();
            return;
        }
        _upstream = upstream;
        long sent = 0, received = 0;
        try
        {
            if (Volatile.Read(ref _closed) != 0)
            {
                return;
            }
            if (_settings.ProxyProtocol != ProxyProtocolVersion.Off)
            {
                await SendProxyHeaderAsync(client, upstream).ConfigureAwait(false);
            }
            var toHost = PumpAsync(_client, upstream);
            var toClient = PumpAsync(upstream, _client);
            sent = await toHost.ConfigureAwait(false);
            received = await toClient.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The PROXY header could not be written: the host went away at once.
        }
        finally
        {
            Abort();
            RouteHandle.Complete(host, new RequestOutcome(0, connectTime, false) { Connected = true });
            _metrics.Ended(_service.Name, "tcp", sent, received);
        }
    }

    /// <summary>Closes both sockets; the copy loops end.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        _client.Dispose();
        _upstream?.Dispose();
    }

    private async Task<(UpstreamHost? Host, Socket? Upstream, TimeSpan ConnectTime)> ConnectAsync(IPEndPoint client)
    {
        var clientHash = StreamHostPicker.ClientHash(client.Address);
        var tried = new TriedHosts();
        var attempts = Math.Min(_service.Retries.Attempts, RetrySettings.MaxAttempts);
        UpstreamHost? last = null;
        for (var attempt = 0; attempt <= attempts; attempt++)
        {
            var snapshot = _handle.Snapshot;
            var host = StreamHostPicker.Choose(snapshot, clientHash, ((ReadOnlySpan<UpstreamHost?>)tried)[..attempt]);
            if (host is null)
            {
                if (attempt == 0)
                {
                    LogNoHost(_service.Name, client, snapshot.NoHostReason);
                    _metrics.Started(_service.Name, "tcp", "", "", StreamOutcomes.NoHost);
                }
                break;
            }
            tried[attempt] = host;
            last = host;
            RouteHandle.Track(host);
            var started = Stopwatch.GetTimestamp();
            using var timeout = new CancellationTokenSource(_settings.ConnectTimeout);
            try
            {
                var upstream = await HostSockets.ConnectAsync(host.Address, SocketType.Stream, ProtocolType.Tcp, timeout.Token).ConfigureAwait(false);
                _metrics.Started(_service.Name, "tcp", host.PoolId, host.Id, StreamOutcomes.Proxied);
                return (host, upstream, Stopwatch.GetElapsedTime(started));
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                RouteHandle.Complete(host, new RequestOutcome(0, elapsed, ConnectFailed: true));
                var reason = ex is SocketException socket ? socket.SocketErrorCode.ToString() : $"timed out after {_settings.ConnectTimeout.TotalMilliseconds:0} ms";
                LogConnectFailed(_service.Name, host.PoolId, host.Id, reason);
            }
        }
        if (last is not null)
        {
            _metrics.Started(_service.Name, "tcp", last.PoolId, last.Id, StreamOutcomes.ConnectFailed);
        }
        return (null, null, TimeSpan.Zero);
    }

    private async Task SendProxyHeaderAsync(IPEndPoint client, Socket upstream)
    {
        var header = new byte[ProxyProtocolHeader.MaxLength];
        var length = ProxyProtocolHeader.Write(_settings.ProxyProtocol, client, (IPEndPoint)_client.LocalEndPoint!, header);
        await upstream.SendAsync(header.AsMemory(0, length), SocketFlags.None).ConfigureAwait(false);
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> until a FIN, passed on; returns the bytes copied.</summary>
    private async Task<long> PumpAsync(Socket from, Socket to)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    // Half-close: the peer finished sending; the other direction goes on.
                    to.Shutdown(SocketShutdown.Send);
                    return total;
                }
                Volatile.Write(ref _lastActivity, Environment.TickCount64);
                var sent = 0;
                while (sent < read)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None).ConfigureAwait(false);
                }
                total += read;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // A reset, the idle timeout or a stop: close both ways so the other loop ends too.
            Abort();
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "TCP service {Service}: no host for a connection from {Client}: {Reason}")]
    private partial void LogNoHost(string service, IPEndPoint client, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TCP service {Service}: connecting to {Pool}/{Host} failed: {Reason}")]
    private partial void LogConnectFailed(string service, string pool, string host, string reason);
}
