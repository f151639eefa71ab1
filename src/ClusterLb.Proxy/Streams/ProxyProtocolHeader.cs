using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Proxy.Streams;

/// <summary>
/// Writes the PROXY protocol header (version 1 text or version 2 binary, as HAProxy's specification defines them)
/// that tells a host the client's address and port and the address the client connected to.
/// </summary>
public static class ProxyProtocolHeader
{
    /// <summary>Longest header written: a version 1 line with two IPv6 addresses (version 2 needs at most 52 bytes).</summary>
    public const int MaxLength = 108;

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>Writes the header for a connection from <paramref name="client"/> to <paramref name="local"/>; returns its length.</summary>
    public static int Write(ProxyProtocolVersion version, IPEndPoint client, IPEndPoint local, Span<byte> destination)
    {
        var source = Normalize(client.Address);
        var target = Normalize(local.Address);
        if (source.AddressFamily != target.AddressFamily)
        {
            // A dual-stack listener can see an IPv4 client on an IPv6 address: both as IPv6 then.
            source = source.MapToIPv6();
            target = target.MapToIPv6();
        }
        return version switch
        {
            ProxyProtocolVersion.V1 => WriteV1(source, client.Port, target, local.Port, destination),
            ProxyProtocolVersion.V2 => WriteV2(source, client.Port, target, local.Port, destination),
            _ => 0,
        };
    }

    private static int WriteV1(IPAddress source, int sourcePort, IPAddress target, int targetPort, Span<byte> destination)
    {
        var family = source.AddressFamily == AddressFamily.InterNetworkV6 ? "TCP6" : "TCP4";
        var line = string.Create(CultureInfo.InvariantCulture, $"PROXY {family} {source} {target} {sourcePort} {targetPort}\r\n");
        return Encoding.ASCII.GetBytes(line, destination);
    }

    private static int WriteV2(IPAddress source, int sourcePort, IPAddress target, int targetPort, Span<byte> destination)
    {
        var v6 = source.AddressFamily == AddressFamily.InterNetworkV6;
        var addressLength = v6 ? 16 : 4;
        var payload = (2 * addressLength) + 4;
        V2Signature.CopyTo(destination);
        destination[12] = 0x21; // version 2, command PROXY
        destination[13] = v6 ? (byte)0x21 : (byte)0x11; // TCP over IPv6 / IPv4
        BinaryPrimitives.WriteUInt16BigEndian(destination[14..], (ushort)payload);
        var at = 16;
        source.TryWriteBytes(destination[at..], out _);
        at += addressLength;
        target.TryWriteBytes(destination[at..], out _);
        at += addressLength;
        BinaryPrimitives.WriteUInt16BigEndian(destination[at..], (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(at + 2)..], (ushort)targetPort);
        return 16 + payload;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
