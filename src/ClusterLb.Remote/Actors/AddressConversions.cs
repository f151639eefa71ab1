using ClusterLb.Actors;

namespace ClusterLb.Remote;

/// <summary>Conversions between the kernel's <see cref="Address"/> and the transport's <see cref="NodeAddress"/>.</summary>
public static class AddressConversions
{
    /// <summary>The kernel address of a node (IPv6 hosts bracketed, as the kernel parses them).</summary>
    public static Address ToActorAddress(this NodeAddress address)
        => new(NodeAddress.Scheme, address.System, address.Host.Contains(':', StringComparison.Ordinal) ? $"[{address.Host}]" : address.Host, address.Port);

    /// <summary>The node address of a kernel address, or null for a local-only address (no host or port).</summary>
    public static NodeAddress? ToNodeAddress(this Address address)
        => address.Host is null || address.Port is null || address.Protocol != NodeAddress.Scheme ? null
            : NodeAddress.TryParse(address.ToString(), out var node) ? node : null;
}
