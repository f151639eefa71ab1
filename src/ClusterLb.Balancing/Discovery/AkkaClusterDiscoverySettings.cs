namespace ClusterLb.Balancing.Discovery;

/// <summary>
/// <c>discovery.type = akka-cluster</c>: the pool's hosts are the members of ClusterLb's own Akka cluster that have
/// <see cref="Role"/> and announce an HTTP endpoint (the <c>ClusterLb.Backend</c> package). A member is added when
/// it is Up and has answered, drained when it starts to leave, and removed when it is gone or has been unreachable
/// for <see cref="UnreachableGrace"/>.
/// </summary>
/// <param name="Role">The cluster role backend members of this pool have, such as <c>backend:api</c>.</param>
/// <param name="UnreachableGrace">How long an unreachable member stays in the pool (passive checks stop traffic to it at once).</param>
public sealed record AkkaClusterDiscoverySettings(string Role, TimeSpan UnreachableGrace) : DiscoverySettings
{
    /// <inheritdoc />
    public override string Type => Registry.HostSources.AkkaCluster;

    /// <inheritdoc />
    public override string Summary =>
        $"members with role {Role}, dropped after {UnreachableGrace.TotalSeconds:0.###} s unreachable";
}
