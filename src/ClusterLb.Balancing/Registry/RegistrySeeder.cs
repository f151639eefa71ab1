using System.Collections.Immutable;
using ClusterLb.Balancing.Actors;
using ClusterLb.Balancing.Settings;
using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Replication;
using ClusterLb.Actors;

namespace ClusterLb.Balancing.Registry;

/// <summary>
/// Seeds the registry from the configuration and reads the state a node starts routing with. A configured pool is
/// written only when a majority read (the local replica if the majority does not answer in time) finds its key
/// absent: a key that exists, even emptied, or that was deleted, belongs to the runtime registry, so a restart or a
/// new node never brings back a host or pool removed at runtime. The replicator loads its durable keys before it
/// answers, so the read sees what this node stored before it stopped.
/// </summary>
internal static class RegistrySeeder
{
    private static readonly TimeSpan LocalTimeout = TimeSpan.FromSeconds(5);

    public static async Task<RegistryLoad> SeedAndLoadAsync(RegistryReplica replica, BalancingSettings balancing, RegistrySettings settings)
    {
        var seeded = ImmutableArray.CreateBuilder<string>();
        foreach (var service in balancing.Services)
        {
            foreach (var pool in service.Pools)
            {
                if (await IsAbsentAsync(replica, pool.Id, settings).ConfigureAwait(false))
                {
                    await SeedAsync(replica, service.Name, pool).ConfigureAwait(false);
                    seeded.Add(pool.Id);
                }
            }
        }
        return await LoadAsync(replica, seeded.ToImmutable()).ConfigureAwait(false);
    }

    private static async Task<bool> IsAbsentAsync(RegistryReplica replica, string poolId, RegistrySettings settings)
    {
        var key = RegistryKeys.Pool(poolId);
        var reply = await replica.Replicator.Ask<object>(new Get(key, new ReadMajority(settings.SeedReadTimeout)), settings.SeedReadTimeout + LocalTimeout).ConfigureAwait(false);
        if (reply is GetFailure)
        {
            reply = await replica.Replicator.Ask<object>(new Get(key, ReadLocal.Instance), LocalTimeout).ConfigureAwait(false);
        }
        return reply is NotFound;
    }

    private static async Task SeedAsync(RegistryReplica replica, string service, PoolSettings pool)
    {
        // Local writes: seeding must not wait for peers, and a configured pool is the same on every node anyway.
        var entry = RegistryCodec.EncodePool(service, pool.Method, pool.Priority);
        var hosts = pool.Hosts.Select(h => (h.Id, Json: RegistryCodec.EncodeHost(new HostSpec(h.Id, h.Address, h.Weight, HostAdminState.Up)))).ToList();
        await UpdateAsync(replica, RegistryKeys.Pool(pool.Id), LWWMap<string, string>.Empty, map =>
        {
            if (map.Count > 0)
            {
                return map;
            }
            map = map.SetItem(replica.Self, RegistryKeys.PoolEntry, entry);
            foreach (var (id, json) in hosts)
            {
                map = map.SetItem(replica.Self, id, json);
            }
            return map;
        }).ConfigureAwait(false);
        await UpdateAsync(replica, RegistryKeys.Pools, LWWMap<string, string>.Empty, t => t.SetItem(replica.Self, pool.Id, service)).ConfigureAwait(false);
        await UpdateAsync(replica, RegistryKeys.Version, GCounter.Empty, c => c.Increment(replica.Self)).ConfigureAwait(false);
    }

    private static async Task UpdateAsync<T>(RegistryReplica replica, Key<T> key, T initial, Func<T, T> modify)
        where T : IReplicatedData
    {
        var reply = await replica.Replicator.Ask<object>(Update.Create(key, initial, WriteLocal.Instance, modify), LocalTimeout).ConfigureAwait(false);
        if (reply is not UpdateSuccess and not DataDeleted)
        {
            throw new InvalidOperationException($"seeding {key.Id} failed: {reply}");
        }
    }

    /// <summary>Reads the route table, every routed pool and the version from the local replica.</summary>
    public static async Task<RegistryLoad> LoadAsync(RegistryReplica replica, ImmutableArray<string> seeded)
    {
        var routes = await GetAsync(replica, RegistryKeys.Pools).ConfigureAwait(false);
        var maps = ImmutableDictionary.CreateBuilder<string, LWWMap<string, string>>(StringComparer.Ordinal);
        foreach (var id in (routes?.Entries.Keys ?? []))
        {
            if (await GetAsync(replica, RegistryKeys.Pool(id)).ConfigureAwait(false) is { } map)
            {
                maps[id] = map;
            }
        }
        var version = await GetAsync(replica, RegistryKeys.Version).ConfigureAwait(false);
        return new RegistryLoad(
            routes?.Entries.WithComparers(StringComparer.Ordinal) ?? ImmutableDictionary<string, string>.Empty.WithComparers(StringComparer.Ordinal),
            maps.ToImmutable(),
            version?.Value ?? 0,
            seeded);
    }

    private static async Task<T?> GetAsync<T>(RegistryReplica replica, Key<T> key)
        where T : class, IReplicatedData
    {
        var reply = await replica.Replicator.Ask<object>(new Get(key, ReadLocal.Instance), LocalTimeout).ConfigureAwait(false);
        return reply is GetSuccess success ? success.Get(key) : null;
    }
}
