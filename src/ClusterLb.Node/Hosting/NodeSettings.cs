using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;
using ClusterLb.Proxy;

namespace ClusterLb.Node.Hosting;

/// <summary>Everything a single node needs to start.</summary>
/// <param name="Name">Node name (<c>clusterlb.node.name</c>), shown by <c>/status</c> and in logs.</param>
/// <param name="Proxy">Listeners, draining and the upstream pool.</param>
/// <param name="Balancing">Services, pools, hosts and health checks.</param>
/// <param name="Config">The loaded configuration, handed to the actor system (<c>clusterlb.actor.*</c>); null in code-built settings.</param>
public sealed record NodeSettings(string Name, ProxySettings Proxy, BalancingSettings Balancing, Config? Config = null);
