using System.Globalization;
using ClusterLb.Remote.Wire;

namespace ClusterLb.Remote;

/// <summary>One incarnation of a node: its address plus the random uid chosen at start-up.</summary>
/// <remarks>A node restarted on the same host:port gets a new uid, which is how peers tell the incarnations apart.</remarks>
public readonly record struct UniqueAddress(NodeAddress Address, long Uid)
{
    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Address}#{Uid}");

    internal WireUniqueAddress ToWire() => new() { Address = Address.ToWire(), Uid = Uid };

    internal static UniqueAddress? FromWire(WireUniqueAddress? wire)
    {
        var address = NodeAddress.FromWire(wire?.Address);
        if (address is null || wire!.Uid == 0)
        {
            return null;
        }

        return new UniqueAddress(address, wire.Uid);
    }
}
