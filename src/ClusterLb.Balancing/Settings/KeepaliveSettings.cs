namespace ClusterLb.Balancing.Settings;

/// <summary>A pool's own keepalive connection pool (its <c>keepalive</c> block); a null value inherits <c>clusterlb.proxy.upstream</c>'s.</summary>
/// <param name="MaxConnections">Bound on concurrent connections to each host of the pool; 0 = unbounded.</param>
/// <param name="IdleTimeout">An idle keepalive connection is closed after this.</param>
public sealed record KeepaliveSettings(int? MaxConnections, TimeSpan? IdleTimeout)
{
    /// <summary>Everything inherited.</summary>
    public static KeepaliveSettings Inherit { get; } = new(null, null);
}
