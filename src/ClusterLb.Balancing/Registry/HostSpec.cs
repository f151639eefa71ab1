namespace ClusterLb.Balancing.Registry;

/// <summary>One host as the replicated registry holds it.</summary>
/// <param name="Id">Unique within its pool.</param>
/// <param name="Address">Absolute http(s) URI the proxy forwards to.</param>
/// <param name="Weight">Relative share of requests (1 to <see cref="Settings.HostSettings.MaxWeight"/>).</param>
/// <param name="State">The operator's up/down/drain decision.</param>
public sealed record HostSpec(string Id, Uri Address, int Weight, HostAdminState State);
