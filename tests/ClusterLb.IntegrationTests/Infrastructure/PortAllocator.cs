using System.Net;
using System.Net.Sockets;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// Hands out loopback ports for listeners that must know their port before binding (cluster seed lists).
/// Ports come from below the Linux ephemeral range, so the OS does not give them to outgoing connections, and
/// each is checked free by binding it once; a counter keeps tests in this process from sharing one.
/// </summary>
internal static class PortAllocator
{
    private const int First = 20000;
    private const int Last = 32000;
    private static int _next = First + Random.Shared.Next(0, 8000);

    public static int Next()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Interlocked.Increment(ref _next);
            if (port > Last)
            {
                Interlocked.CompareExchange(ref _next, First, port);
                continue;
            }
            if (IsFree(port))
            {
                return port;
            }
        }
        throw new InvalidOperationException($"No free loopback port between {First} and {Last}.");
    }

    private static bool IsFree(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
