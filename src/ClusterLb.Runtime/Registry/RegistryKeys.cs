using System.Collections.Immutable;
using Akka.DistributedData;
using ClusterLb.Balancing.Registry;

namespace ClusterLb.Runtime.Registry;

/// <summary>
/// The Akka.DistributedData keys the registry is made of. Small keys, as Akka advises: one per pool, so full-state
/// gossip of one pool never carries the others.
/// </summary>
public static class RegistryKeys
{
    /// <summary>Prefix of every registry key (durable by default: <c>durable.keys = ["registry-*"]</c>).</summary>
    public const string Prefix = "registry-";

    /// <summary>Prefix of the per-pool keys; the pool id follows.</summary>
    public const string PoolPrefix = "registry-pool-";

    /// <summary>The entry of a pool key that holds the pool's own settings.</summary>
    public const string PoolEntry = RegistryCodec.PoolEntry;

    /// <summary>The route table's value for a deleted pool (a tombstone; see <see cref="RegistryCodec.Removed"/>).</summary>
    public const string DeletedRoute = "";

    /// <summary>The live entries of a route table: pool id to service, deleted pools left out.</summary>
    public static ImmutableDictionary<string, string> LiveRoutes(LWWDictionary<string, string>? table) =>
        (table?.Entries ?? ImmutableDictionary<string, string>.Empty)
            .Where(e => e.Value != DeletedRoute)
            .ToImmutableDictionary(StringComparer.Ordinal);

    /// <summary>The route table: pool id to the service it serves.</summary>
    public static readonly LWWDictionaryKey<string, string> Pools = new("registry-pools");

    /// <summary>Counts every registry write, cluster-wide.</summary>
    public static readonly GCounterKey Version = new("registry-version");

    /// <summary>Per node, the registry version that node has applied (each node writes only its own entry).</summary>
    public static readonly LWWDictionaryKey<string, long> Applied = new("registry-applied");

    /// <summary>The key of pool <paramref name="poolId"/>: the <see cref="PoolEntry"/> plus one entry per host id.</summary>
    public static LWWDictionaryKey<string, string> Pool(string poolId) => new(PoolPrefix + poolId);
}
