using System.Net;
using System.Net.Sockets;

namespace ClusterLb.Proxy.Streams;

/// <summary>Opens the socket to a <c>tcp://</c> or <c>udp://</c> host.</summary>
internal static class HostSockets
{
    /// <summary>
    /// A socket connected to <paramref name="address"/>'s host and port. An IP literal (the usual host) connects
    /// without a name lookup, on a socket of its own family; a name is resolved by the OS on a dual-mode socket.
    /// </summary>
    /// <exception cref="SocketException">Refused, unreachable, or the name does not resolve.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> fired first.</exception>
    public static async Task<Socket> ConnectAsync(Uri address, SocketType type, ProtocolType protocol, CancellationToken cancellation)
    {
        var literal = IPAddress.TryParse(address.IdnHost.Trim('[', ']'), out var ip) ? ip : null;
        var socket = literal is null ? new Socket(type, protocol) : new Socket(literal.AddressFamily, type, protocol);
        try
        {
            if (type == SocketType.Stream)
            {
                socket.NoDelay = true;
            }
            await (literal is null
                ? socket.ConnectAsync(address.IdnHost, address.Port, cancellation)
                : socket.ConnectAsync(new IPEndPoint(literal, address.Port), cancellation)).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
