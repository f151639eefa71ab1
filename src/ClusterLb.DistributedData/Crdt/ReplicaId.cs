namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// Identity of one replica: a node's address plus the uid of its incarnation, Akka's <c>UniqueAddress</c>.
/// </summary>
/// <remarks>
/// The cluster layer's <c>UniqueAddress</c> maps onto this one to one; it lives here until that layer exists so the
/// data types do not depend on membership code. The uid matters: a node restarted on the same address is a new
/// replica, and the old one's slots must be pruned rather than silently reused. The ordering (address, then uid,
/// ordinal) is part of the wire contract because LWW ties are broken by it.
/// </remarks>
public sealed record ReplicaId(string Address, long Uid) : IComparable<ReplicaId>
{
    /// <summary>The address and uid, validated.</summary>
    public string Address { get; } = !string.IsNullOrEmpty(Address)
        ? Address
        : throw new ArgumentException("A replica id needs a non-empty address.", nameof(Address));

    /// <inheritdoc />
    public int CompareTo(ReplicaId? other)
    {
        if (other is null)
        {
            return 1;
        }

        var byAddress = string.CompareOrdinal(Address, other.Address);
        return byAddress != 0 ? byAddress : Uid.CompareTo(other.Uid);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Address}#{Uid}";
}
