using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;
using ClusterLb.Persistence;
using ClusterLb.Proxy;

namespace ClusterLb.Node.Hosting;

/// <summary>Everything a single node needs to start.</summary>
/// <param name="Name">Node name (<c>clusterlb.node.name</c>), shown by <c>/status</c> and in logs.</param>
/// <param name="Proxy">Listeners, draining, the upstream pool and admin access.</param>
/// <param name="Balancing">Services, pools, hosts and health checks.</param>
/// <param name="Config">The loaded configuration, handed to the actor system (<c>clusterlb.actor.*</c>); null in code-built settings.</param>
public sealed record NodeSettings(string Name, ProxySettings Proxy, BalancingSettings Balancing, Config? Config = null)
{
    /// <summary>The node's local state (<c>clusterlb.node.data-dir</c>); a relative SQLite path is resolved against it.</summary>
    public string DataDirectory { get; init; } = ".data";

    /// <summary>The journal and snapshot store (<c>clusterlb.persistence</c>), which hold the audit log.</summary>
    public PersistenceSettings Persistence { get; init; } = new();

    /// <summary>The configuration file the node was started from, recorded in the audit log; null when built in code.</summary>
    public string? ConfigFile { get; init; }
}
