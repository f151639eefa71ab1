using ClusterLb.Cluster.Wire;
using ClusterLb.Hocon;
using ClusterLb.Remote;
using ClusterLb.Remote.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterLb.Cluster;

/// <summary>Starts a cluster node from configuration: remoting on the cluster address, then the cluster extension.</summary>
public static class ClusterNode
{
    /// <summary>The key that lets a cluster node start without a secret.</summary>
    public const string AllowUnauthenticatedKey = ClusterSettings.ConfigPath + ".allow-unauthenticated";

    /// <summary>
    /// Reads <c>clusterlb.remote</c> for the transport, then lets <c>clusterlb.cluster.system-name</c>,
    /// <c>.port</c>, and a non-empty <c>.public-hostname</c> and <c>.secret</c> (the CLUSTER_PORT / CLUSTER_IP /
    /// CLUSTER_SECRET overrides) win, starts remoting with the cluster's wire messages registered, and starts
    /// <see cref="Cluster"/> (joining the configured seed nodes, if any). Refuses to start without a secret
    /// (<see cref="ArgumentException"/> naming the keys) unless <c>clusterlb.cluster.allow-unauthenticated = on</c>.
    /// </summary>
    public static Task<Remoting> StartAsync(Config config, RemotingOptions? options = null, CancellationToken cancellationToken = default)
        => StartAsync(config, options, onRemotingStarted: null, cancellationToken);

    /// <summary>
    /// <see cref="StartAsync(Config, RemotingOptions?, CancellationToken)"/>, calling <paramref name="onRemotingStarted"/>
    /// before the cluster starts (a test hook: it sees the system that must not leak when the cluster fails to start).
    /// </summary>
    internal static async Task<Remoting> StartAsync(Config config, RemotingOptions? options, Action<Remoting>? onRemotingStarted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var remote = RemoteSettingsFor(config);
        options ??= new RemotingOptions();
        RequireSecret(config, remote, options.LoggerFactory ?? NullLoggerFactory.Instance);
        var serializer = (options.Serializer ?? new MessageSerializer()).Register(ClusterWireReflection.Descriptor).Register(ClusterToolsReflection.Descriptor);
        var remoting = await Remoting.StartAsync(remote, options with { Serializer = serializer, Config = config }, cancellationToken).ConfigureAwait(false);
        try
        {
            onRemotingStarted?.Invoke(remoting);
            Cluster.Get(remoting.System);
        }
        catch
        {
            // Both halves go: the actor system (and whatever started in it) and the listener it owns.
            await remoting.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return remoting;
    }

    /// <summary>The transport settings of a cluster node (see <see cref="StartAsync"/> for which keys win).</summary>
    public static RemoteSettings RemoteSettingsFor(Config config)
    {
        var remote = RemoteSettings.FromConfig(config);
        var c = config.GetConfig(ClusterSettings.ConfigPath, Config.Empty);
        var publicHost = c.GetString("public-hostname", "");
        var secret = c.GetString("secret", "");
        return (remote with
        {
            SystemName = c.GetString("system-name", remote.SystemName),
            Port = c.GetInt("port", remote.Port),
            PublicHostname = string.IsNullOrWhiteSpace(publicHost) ? remote.PublicHostname : publicHost,
            Secret = string.IsNullOrEmpty(secret) ? remote.Secret : secret,
        }).Validate();
    }

    // Without a secret any process that reaches the cluster port and knows the system name can join, gossip and be
    // sent messages, so an unauthenticated cluster must be asked for, not fallen into by a missing setting.
    private static void RequireSecret(Config config, RemoteSettings remote, ILoggerFactory loggerFactory)
    {
        if (!string.IsNullOrEmpty(remote.Secret)) return;
        if (!config.GetBool(AllowUnauthenticatedKey, false))
            throw new ArgumentException(
                $"No cluster secret: set {ClusterSettings.ConfigPath}.secret (or CLUSTER_SECRET, or clusterlb.remote.secret) to the same " +
                $"value on every node, or set {AllowUnauthenticatedKey} = on to run a cluster without authentication.", "secret");
        loggerFactory.CreateLogger("ClusterLb.Cluster.ClusterNode").LogWarning(
            "{Key} = on and no cluster secret: any peer that reaches the cluster port and knows the system name can join", AllowUnauthenticatedKey);
    }
}
