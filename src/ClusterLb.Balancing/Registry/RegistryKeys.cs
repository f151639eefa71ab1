using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Replication;

namespace ClusterLb.Balancing.Registry;

/// <summary>
/// The replicated keys the registry is made of. Small keys, as Akka advises: one per pool, so full-state gossip of
/// one pool never carries the others.
/// </summary>
public static class RegistryKeys
{
    /// <summary>Prefix of every registry key (durable by default).</summary>
    public const string Prefix = "registry-";

    /// <summary>Prefix of the per-pool keys; the pool id follows.</summary>
    public const string PoolPrefix = "registry-pool-";

    /// <summary>The entry of a pool key that holds the pool's own settings; host ids cannot start with <c>$</c>.</summary>
    public const string PoolEntry = "$pool";

    /// <summary>The route table: pool id to the service it serves.</summary>
    public static readonly Key<LWWMap<string, string>> Pools = new("registry-pools");

    /// <summary>Counts every registry write, cluster-wide.</summary>
    public static readonly Key<GCounter> Version = new("registry-version");

    /// <summary>Per node, the registry version that node has applied (each node writes only its own entry).</summary>
    public static readonly Key<LWWMap<string, long>> Applied = new("registry-applied");

    /// <summary>The key of pool <paramref name="poolId"/>: the <see cref="PoolEntry"/> plus one entry per host id.</summary>
    public static Key<LWWMap<string, string>> Pool(string poolId) => new(PoolPrefix + poolId);
}
