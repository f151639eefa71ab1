using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Remote.Transport;

/// <summary>The listening socket: accepts connections and runs a handler per connection, tracked until it ends.</summary>
internal sealed class ConnectionListener : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private Task _acceptLoop = Task.CompletedTask;

    private ConnectionListener(Socket socket, ILogger logger)
    {
        _socket = socket;
        _logger = logger;
        EndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    /// <summary>The bound end point (with the OS-assigned port when port 0 was asked for).</summary>
    public IPEndPoint EndPoint { get; }

    /// <summary>True when the bound address is a wildcard (0.0.0.0 or ::).</summary>
    public bool IsWildcard => EndPoint.Address.Equals(IPAddress.Any) || EndPoint.Address.Equals(IPAddress.IPv6Any);

    /// <summary>Binds and listens; throws <see cref="SocketException"/> when the port is taken.</summary>
    public static ConnectionListener Bind(string hostname, int port, ILogger logger)
    {
        var address = ResolveBindAddress(hostname);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new ConnectionListener(socket, logger);
    }

    /// <summary>Starts accepting; <paramref name="handler"/> owns each socket and must not throw.</summary>
    public void Start(Func<Socket, CancellationToken, Task> handler) => _acceptLoop = Task.Run(() => AcceptLoopAsync(handler));

    /// <summary>Stops accepting, cancels every handler and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        _socket.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_connections.Keys).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync(Func<Socket, CancellationToken, Task> handler)
    {
        var token = _stopping.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _socket.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || (ex is SocketException && token.IsCancellationRequested))
            {
                return;
            }
            catch (SocketException ex)
            {
                // A connection reset before accept completed; keep listening.
                _logger.InboundClosed(null, ex.Message);
                continue;
            }

            var task = Task.Run(() => RunHandlerAsync(handler, socket, token), CancellationToken.None);
            _connections.TryAdd(task, 0);
            _ = task.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _), _connections, TaskScheduler.Default);
        }
    }

    private async Task RunHandlerAsync(Func<Socket, CancellationToken, Task> handler, Socket socket, CancellationToken token)
    {
        try
        {
            await handler(socket, token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A bug in one connection's handling must not take the listener (or shutdown) down with it.
            _logger.InboundHandlerFailed(ex);
            socket.Dispose();
        }
    }

    private static IPAddress ResolveBindAddress(string hostname)
    {
        if (IPAddress.TryParse(hostname, out var ip))
        {
            return ip;
        }

        var addresses = Dns.GetHostAddresses(hostname);
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.First();
    }
}
