using ClusterLb.Balancing.ClusterLoad;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;
using ClusterLb.Proxy;

namespace ClusterLb.Node.Hosting;

/// <summary>Everything a single node needs to start.</summary>
/// <param name="Name">Node name (<c>clusterlb.node.name</c>), shown by <c>/status</c> and in logs.</param>
/// <param name="Proxy">Listeners, draining, the upstream pool and admin access.</param>
/// <param name="Balancing">Services, pools, hosts and health checks.</param>
/// <param name="Config">The loaded configuration, mapped onto Akka.NET's for the actor system; null in code-built settings (then the node runs alone on a free loopback cluster port with the defaults).</param>
public sealed record NodeSettings(string Name, ProxySettings Proxy, BalancingSettings Balancing, Config? Config = null)
{
    /// <summary>The node's local state (<c>clusterlb.node.data-dir</c>): the SQLite journal and durable registry; relative SQLite paths resolve against it.</summary>
    public string DataDirectory { get; init; } = ".data";

    /// <summary>Whether socket completions run on .NET's epoll threads (<c>clusterlb.node.inline-socket-completions</c>, <see cref="SocketCompletions"/>).</summary>
    public bool InlineSocketCompletions { get; init; } = true;

    /// <summary>Console log format of the application logs (<c>clusterlb.logging.format</c>): <c>text</c> or <c>json</c>.</summary>
    public string LogFormat { get; init; } = "text";

    /// <summary>How the node shares its per-host load with the cluster (<c>clusterlb.cluster-load</c>).</summary>
    public ClusterLoadSettings ClusterLoad { get; init; } = new();

    /// <summary>The configuration file the node was started from, recorded in the audit log; null when built in code.</summary>
    public string? ConfigFile { get; init; }
}
