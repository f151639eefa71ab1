using ClusterLb.Balancing.Reporting;

namespace ClusterLb.Proxy.Admin;

/// <summary>Supplies the per-service status, built by asking the router actors.</summary>
public interface IStatusSource
{
    /// <summary>Every service's status, in configuration order.</summary>
    Task<IReadOnlyList<ServiceStatus>> GetServicesAsync(CancellationToken cancellation);
}

/// <summary>Identity of the node for the status document.</summary>
/// <param name="Name">Node name (<c>clusterlb.node.name</c>).</param>
/// <param name="Version">ClusterLb version.</param>
/// <param name="StartedAt">When the node started, for uptime.</param>
public sealed record NodeInfo(string Name, string Version, DateTimeOffset StartedAt);
