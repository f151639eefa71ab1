using System.Collections.Immutable;
using ClusterLb.Balancing.Settings;
using Akka.DistributedData;
using Akka.Actor;
using ClusterLb.Balancing.Registry;
using ClusterLb.Runtime.Balancing;

namespace ClusterLb.Runtime.Registry;

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
        var reader = new StartupReader(replica, settings);
        var seeded = ImmutableArray.CreateBuilder<string>();
        foreach (var service in balancing.Services)
        {
            foreach (var pool in service.Pools)
            {
                if (await reader.ReadAsync(RegistryKeys.Pool(pool.Id)).ConfigureAwait(false) is NotFound)
                {
                    await SeedAsync(replica, service.Name, pool).ConfigureAwait(false);
                    seeded.Add(pool.Id);
                }
            }
        }
        return await LoadAsync(reader, seeded.ToImmutable()).ConfigureAwait(false);
    }

    private static async Task SeedAsync(RegistryReplica replica, string service, PoolSettings pool)
    {
        // Local writes: seeding must not wait for peers, and a configured pool is the same on every node anyway.
        var entry = RegistryCodec.EncodePool(service, pool.Method, pool.Priority, pool.Options);
        var hosts = pool.Hosts.Select(h => (h.Id, Json: RegistryCodec.EncodeHost(new HostSpec(h.Id, h.Address, h.Weight, HostAdminState.Up)))).ToList();
        await UpdateAsync(replica, RegistryKeys.Pool(pool.Id), LWWDictionary<string, string>.Empty, map =>
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
        await UpdateAsync(replica, RegistryKeys.Pools, LWWDictionary<string, string>.Empty, t => t.SetItem(replica.Self, pool.Id, service)).ConfigureAwait(false);
        await UpdateAsync(replica, RegistryKeys.Version, GCounter.Empty, c => c.Increment(replica.Self)).ConfigureAwait(false);
    }

    private static async Task UpdateAsync<T>(RegistryReplica replica, IKey<T> key, T initial, Func<T, T> modify)
        where T : IReplicatedData
    {
        var reply = await replica.Replicator.Ask<object>(Dsl.Update(key, initial, WriteLocal.Instance, modify), LocalTimeout).ConfigureAwait(false);
        // A store failure leaves the seed applied in memory (the replicator logged it); routing goes on.
        if (reply is not UpdateSuccess and not DataDeleted and not StoreFailure)
        {
            throw new InvalidOperationException($"seeding {key.Id} failed: {reply}");
        }
    }

    /// <summary>
    /// Reads the route table, every routed pool and the version at majority (locally when the majority does not
    /// answer), so a node joining a running cluster starts routing with the registry the others hold.
    /// </summary>
    private static async Task<RegistryLoad> LoadAsync(StartupReader reader, ImmutableArray<string> seeded)
    {
        var routes = await reader.ReadAsync(RegistryKeys.Pools).ConfigureAwait(false) is GetSuccess r ? r.Get(RegistryKeys.Pools) : null;
        var maps = ImmutableDictionary.CreateBuilder<string, LWWDictionary<string, string>>(StringComparer.Ordinal);
        var live = RegistryKeys.LiveRoutes(routes);
        foreach (var id in live.Keys)
        {
            var key = RegistryKeys.Pool(id);
            if (await reader.ReadAsync(key).ConfigureAwait(false) is GetSuccess pool)
            {
                maps[id] = pool.Get(key);
            }
        }
        var version = await reader.ReadAsync(RegistryKeys.Version).ConfigureAwait(false) is GetSuccess v ? v.Get(RegistryKeys.Version) : null;
        return new RegistryLoad(
            live,
            maps.ToImmutable(),
            version?.Value ?? 0,
            seeded);
    }

    /// <summary>
    /// Reads at majority, merging what the others hold into this replica, or locally when they do not answer in
    /// time. After one majority read has timed out the rest read locally: the majority is not there, and waiting
    /// for it once per key would hold the node's start for a timeout per pool.
    /// </summary>
    private sealed class StartupReader(RegistryReplica replica, RegistrySettings settings)
    {
        private bool _majorityMissing;

        public async Task<object> ReadAsync(IKey key)
        {
            if (!_majorityMissing)
            {
                var reply = await replica.Replicator.Ask<object>(new Get(key, new ReadMajority(settings.SeedReadTimeout)), settings.SeedReadTimeout + LocalTimeout).ConfigureAwait(false);
                if (reply is not GetFailure)
                {
                    return reply;
                }
                _majorityMissing = true;
            }
            return await replica.Replicator.Ask<object>(new Get(key, ReadLocal.Instance), LocalTimeout).ConfigureAwait(false);
        }
    }
}
