using ClusterLb.Remote;

namespace ClusterLb.Cluster.Wire;

/// <summary>
/// The one place that maps the cluster core's <see cref="Address"/>/<see cref="UniqueAddress"/> to remoting's
/// <see cref="NodeAddress"/>/<see cref="Remote.UniqueAddress"/>. The two layers were written in parallel with their
/// own address types; unifying them would remove this file.
/// </summary>
public static class RemoteAddressAdapter
{
    /// <summary>The cluster form of a remoting incarnation.</summary>
    public static UniqueAddress ToCluster(this Remote.UniqueAddress node) => new(node.Address.ToCluster(), node.Uid);

    /// <summary>The cluster form of a remoting address.</summary>
    public static Address ToCluster(this NodeAddress address) => new(NodeAddress.Scheme, address.System, address.Host, address.Port);

    /// <summary>The remoting form of a cluster address (host lower-cased as remoting compares it).</summary>
    public static NodeAddress ToNode(this Address address) =>
        new(address.System, address.Host ?? throw new ArgumentException($"Address {address} has no host.", nameof(address)),
            address.Port ?? throw new ArgumentException($"Address {address} has no port.", nameof(address)));

    /// <summary>Brings a configured address to the canonical form gossip uses (lower-case host).</summary>
    public static Address Normalize(this Address address) => address.ToNode().ToCluster();
}
