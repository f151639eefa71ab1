using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// A UDP backend on loopback that answers every datagram with its name, a colon and the datagram
/// (<c>b1:hello</c>), and counts what it received. <see cref="Kill"/> closes its port: later datagrams to it get
/// ICMP port unreachable.
/// </summary>
internal sealed class UdpEchoBackend : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly byte[] _prefix;
    private readonly Task _serving;
    private int _received;

    private UdpEchoBackend(string name)
    {
        Name = name;
        _prefix = Encoding.ASCII.GetBytes(name + ":");
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _serving = ServeAsync();
    }

    public string Name { get; }

    public int Port { get; }

    public Uri Address => new($"udp://127.0.0.1:{Port}");

    /// <summary>Datagrams received so far.</summary>
    public int Received => Volatile.Read(ref _received);

    public static UdpEchoBackend Start(string name) => new(name);

    public void Kill() => _socket.Dispose();

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _serving;
    }

    private async Task ServeAsync()
    {
        var buffer = new byte[64 * 1024];
        var answer = new byte[_prefix.Length + buffer.Length];
        _prefix.CopyTo(answer, 0);
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (true)
        {
            try
            {
                var result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any);
                Interlocked.Increment(ref _received);
                buffer.AsSpan(0, result.ReceivedBytes).CopyTo(answer.AsSpan(_prefix.Length));
                await _socket.SendToAsync(answer.AsMemory(0, _prefix.Length + result.ReceivedBytes), SocketFlags.None, result.RemoteEndPoint);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionRefused)
            {
                // A client that went away.
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return;
            }
        }
    }
}
