namespace ClusterLb.Balancing.Registry;

/// <summary>One host as the replicated registry holds it.</summary>
/// <param name="Id">Unique within its pool.</param>
/// <param name="Address">Absolute http(s) URI the proxy forwards to.</param>
/// <param name="Weight">Relative share of requests (1 to <see cref="Settings.HostSettings.MaxWeight"/>).</param>
/// <param name="State">The operator's up/down/drain decision.</param>
public sealed record HostSpec(string Id, Uri Address, int Weight, HostAdminState State)
{
    /// <summary>
    /// Where the host came from: <see cref="HostSources.Static"/> (HOCON or the admin API) or the discovery type that
    /// found it (<see cref="HostSources.Dns"/>, ...). Only static hosts are edited through the admin API.
    /// </summary>
    public string Source { get; init; } = HostSources.Static;

    /// <summary>True when a discovery source, not an operator, owns the host.</summary>
    public bool IsDiscovered => !string.Equals(Source, HostSources.Static, StringComparison.Ordinal);
}
