namespace ClusterLb.Cluster;

/// <summary>
/// One incarnation of a node: its address plus the uid picked at start. A restart on the same host:port is a new
/// <see cref="UniqueAddress"/>, which is how the cluster tells the old process from the new one.
/// </summary>
public sealed record UniqueAddress(Address Address, long Uid) : IComparable<UniqueAddress>
{
    /// <summary>Address order, then uid.</summary>
    public int CompareTo(UniqueAddress? other)
    {
        if (other is null) return 1;
        var c = AddressOrdering.Instance.Compare(Address, other.Address);
        return c != 0 ? c : Uid.CompareTo(other.Uid);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Address}#{Uid}";
}
