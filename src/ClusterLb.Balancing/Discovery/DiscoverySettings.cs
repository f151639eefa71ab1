namespace ClusterLb.Balancing.Discovery;

/// <summary>
/// A pool's <c>discovery</c> block: where its hosts come from besides (or instead of) the static ones. One node of
/// the cluster (a cluster singleton) asks the source and writes what it finds into the registry.
/// </summary>
public abstract record DiscoverySettings
{
    /// <summary>Default of <see cref="WriteInterval"/>.</summary>
    public static readonly TimeSpan DefaultWriteInterval = TimeSpan.FromSeconds(1);

    /// <summary>The <c>type</c> value, also the <see cref="Registry.HostSpec.Source"/> of the hosts found.</summary>
    public abstract string Type { get; }

    /// <summary>
    /// At most one registry write per pool in this window: changes inside it are coalesced and the latest host set is
    /// written at its end, so a flapping source cannot storm the registry.
    /// </summary>
    public TimeSpan WriteInterval { get; init; } = DefaultWriteInterval;

    /// <summary>One line for logs: what is asked, where, and how often.</summary>
    public abstract string Summary { get; }

    /// <summary>Weight of every discovered host that its source gives none (SRV answers carry their own).</summary>
    public int Weight { get; init; } = 1;
}
