namespace ClusterLb.Balancing.Registry;

/// <summary>An operator's decision about a host, replicated with the registry (lua-resty-upstream's down/up).</summary>
public enum HostAdminState
{
    /// <summary>In rotation whenever this node's health checks find it healthy.</summary>
    Up,

    /// <summary>Out of rotation on every node until set up again; health checks never revive it.</summary>
    Down,

    /// <summary>Gets no new requests; requests already in flight finish.</summary>
    Drain,
}
