using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// A TCP backend on loopback that echoes every byte back, and after the client's FIN finishes echoing and sends its
/// own FIN (so a half-close through the proxy shows in both directions). In <see cref="Silent"/> mode it accepts and
/// reads but never answers. <see cref="Kill"/> resets every open connection and closes the port, as a crashed
/// process would.
/// </summary>
internal sealed class TcpEchoBackend : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly Task _accepting;
    private int _accepted;

    private TcpEchoBackend(string name, bool silent)
    {
        Name = name;
        Silent = silent;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(256);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _accepting = AcceptAsync();
    }

    public string Name { get; }

    /// <summary>Reads without answering.</summary>
    public bool Silent { get; }

    public int Port { get; }

    public Uri Address => new($"tcp://127.0.0.1:{Port}");

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Connections open now.</summary>
    public int Open => _open.Count;

    public static TcpEchoBackend Start(string name, bool silent = false) => new(name, silent);

    /// <summary>Closes the port and resets every open connection.</summary>
    public void Kill()
    {
        _listener.Dispose();
        foreach (var socket in _open.Keys)
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _accepting;
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            _open[socket] = 0;
            _ = Task.Run(() => EchoAsync(socket));
        }
    }

    private async Task EchoAsync(Socket socket)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
                if (read == 0)
                {
                    socket.Shutdown(SocketShutdown.Send);
                    return;
                }
                if (!Silent)
                {
                    await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Reset by the peer or killed.
        }
        finally
        {
            _open.TryRemove(socket, out _);
            socket.Dispose();
        }
    }
}
