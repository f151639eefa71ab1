using System.Net;
using ClusterLb.Balancing.Routing;
using Microsoft.AspNetCore.Http;

namespace ClusterLb.Proxy.Forwarding;

/// <summary>
/// The real client of a request. The connection's peer, unless the peer is a trusted proxy: then the real-IP
/// header is read from its right end, skipping trusted addresses, and the first untrusted one is the client (the
/// recursive rule: a client cannot forge its way past the proxies, because only the hops they appended are
/// believed). When every hop is trusted the leftmost is the client; an unreadable hop ends the walk at the last
/// address believed.
/// </summary>
public sealed class ClientAddressResolver(ClientAddressSettings settings)
{
    /// <summary>The settings.</summary>
    public ClientAddressSettings Settings { get; } = settings;

    /// <summary>The real client address, or null when the connection has none.</summary>
    public IPAddress? Resolve(HttpContext context)
    {
        var peer = Normalize(context.Connection.RemoteIpAddress);
        if (peer is null || Settings.TrustedProxies.IsEmpty || !IsTrusted(peer))
        {
            return peer;
        }
        var values = context.Request.Headers[Settings.RealIpHeader];
        var believed = peer;
        for (var v = values.Count - 1; v >= 0; v--)
        {
            var line = (values[v] ?? string.Empty).AsSpan();
            while (line.Length > 0)
            {
                var comma = line.LastIndexOf(',');
                var hop = line[(comma + 1)..].Trim();
                line = comma < 0 ? ReadOnlySpan<char>.Empty : line[..comma];
                if (hop.IsEmpty)
                {
                    continue;
                }
                if (!IPAddress.TryParse(hop, out var address))
                {
                    return believed;
                }
                address = Normalize(address)!;
                if (!IsTrusted(address))
                {
                    return address;
                }
                believed = address;
            }
        }
        return believed;
    }

    /// <summary>The stable hash of the real client address (0 when there is none), alike on every node.</summary>
    public ulong Hash(HttpContext context) => Hash(Resolve(context));

    /// <summary>The stable hash of <paramref name="address"/>.</summary>
    public static ulong Hash(IPAddress? address)
    {
        if (address is null)
        {
            return 0;
        }
        Span<byte> bytes = stackalloc byte[16];
        return address.TryWriteBytes(bytes, out var written) ? StableHash.Of(bytes[..written]) : 0;
    }

    private bool IsTrusted(IPAddress address)
    {
        foreach (var network in Settings.TrustedProxies)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }
        return false;
    }

    // A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d; hashing and CIDRs want them as IPv4.
    private static IPAddress? Normalize(IPAddress? address) =>
        address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
}
