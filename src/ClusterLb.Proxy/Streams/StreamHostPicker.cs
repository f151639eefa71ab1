using System.Diagnostics;
using System.Net;
using ClusterLb.Balancing.Routing;
using ClusterLb.Proxy.Forwarding;

namespace ClusterLb.Proxy.Streams;

/// <summary>
/// Picks a host for a TCP connection or UDP session: the only request key there is the client's IP, which the hash
/// methods and client-IP affinity use; a host already tried by this connection is never picked again.
/// </summary>
internal static class StreamHostPicker
{
    /// <summary>The stable hash of a client's IP (an IPv4-mapped IPv6 address hashes as its IPv4 form).</summary>
    public static ulong ClientHash(IPAddress address) =>
        ClientAddressResolver.Hash(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>A host for attempt <paramref name="tried"/>.Length, or null when none is healthy or untried.</summary>
    public static UpstreamHost? Choose(RoutingSnapshot snapshot, ulong clientHash, ReadOnlySpan<UpstreamHost?> tried)
    {
        if (snapshot.Active is not { } pool)
        {
            return null;
        }
        var context = new PickContext(clientHash, pool.Key is not null, tried, 0, false, clientHash, Stopwatch.GetTimestamp());
        var host = snapshot.Pick(context);
        return host is null || context.WasTried(host) ? null : host;
    }
}
