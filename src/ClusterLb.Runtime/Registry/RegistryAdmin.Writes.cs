using Akka.Actor;
using Akka.DistributedData;
using ClusterLb.Balancing.Discovery;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;
using ClusterLb.Runtime.Balancing;

namespace ClusterLb.Runtime.Registry;

// The write side: each command's replicated writes, with existence checked inside the replicator's update.
public sealed partial class RegistryAdmin
{
    private async Task<RegistryWriteResult> CreateAsync(CreatePool create)
    {
        var key = RegistryKeys.Pool(create.Id);
        var entry = RegistryCodec.EncodePool(create.Service, create.Method, create.Priority, create.Options);
        var written = await WriteAsync(key, LWWDictionary<string, string>.Empty, map =>
        {
            if (map.TryGetValue(RegistryKeys.PoolEntry, out _))
            {
                throw new RegistryRefusal(RegistryWriteResult.Conflict("id", $"pool '{create.Id}' already exists"));
            }
            // Leftovers of a concurrent edit are not inherited by a new pool.
            foreach (var (host, value) in map.Entries)
            {
                if (!RegistryCodec.IsRemoved(value))
                {
                    map = map.SetItem(_replica.Self, host, RegistryCodec.Removed);
                }
            }
            return map.SetItem(_replica.Self, RegistryKeys.PoolEntry, entry);
        }).ConfigureAwait(false);
        if (written.Deleted)
        {
            return RegistryWriteResult.Conflict("id", $"pool '{create.Id}' was deleted; the id of a deleted pool is not reused, choose another");
        }
        if (written.Refusal is { } refusal)
        {
            return refusal;
        }
        var route = await WriteAsync(RegistryKeys.Pools, LWWDictionary<string, string>.Empty, t => t.SetItem(_replica.Self, create.Id, create.Service)).ConfigureAwait(false);
        var counted = await CountAsync().ConfigureAwait(false);
        return await AppliedAsync(create.Id, [written, route, counted]).ConfigureAwait(false);
    }

    private async Task<RegistryWriteResult> DeleteAsync(DeletePool delete, CancellationToken cancellation)
    {
        var (spec, _) = await ReadPoolAsync(delete.PoolId, cancellation).ConfigureAwait(false);
        if (spec is null)
        {
            return RegistryWriteResult.NotFound($"no pool '{delete.PoolId}'");
        }
        // Out of the route table first: routers drop the pool as soon as either write reaches them.
        var route = await WriteAsync(RegistryKeys.Pools, LWWDictionary<string, string>.Empty, t => t.SetItem(_replica.Self, delete.PoolId, RegistryKeys.DeletedRoute)).ConfigureAwait(false);
        var reply = await AskReplicatorAsync(Dsl.Delete(RegistryKeys.Pool(delete.PoolId), Majority())).ConfigureAwait(false);
        var deleted = reply switch
        {
            DeleteSuccess => Written.Majority,
            ReplicationDeleteFailure => Written.TimedOut,
            DataDeleted => Written.Majority,
            StoreFailure => Written.NotStored,
            _ => throw new InvalidOperationException($"unexpected replicator reply {reply.GetType().Name}"),
        };
        var counted = await CountAsync().ConfigureAwait(false);
        var (consistency, reason) = Summarize([route, deleted, counted]);
        return new RegistryWriteResult(RegistryWriteStatus.Applied, consistency, null, reason, null);
    }

    private async Task<RegistryWriteResult> EditPoolAsync(string poolId, Func<LWWDictionary<string, string>, LWWDictionary<string, string>> modify)
    {
        if (!RegistryValidator.IsValidId(poolId))
        {
            return RegistryWriteResult.NotFound($"no pool '{poolId}'");
        }
        var written = await WriteAsync(RegistryKeys.Pool(poolId), LWWDictionary<string, string>.Empty, map =>
        {
            if (!map.TryGetValue(RegistryKeys.PoolEntry, out _))
            {
                throw new RegistryRefusal(RegistryWriteResult.NotFound($"no pool '{poolId}'"));
            }
            return modify(map);
        }).ConfigureAwait(false);
        if (written.Deleted)
        {
            return RegistryWriteResult.NotFound($"no pool '{poolId}'");
        }
        if (written.Refusal is { } refusal)
        {
            return refusal;
        }
        var counted = await CountAsync().ConfigureAwait(false);
        return await AppliedAsync(poolId, [written, counted]).ConfigureAwait(false);
    }

    private LWWDictionary<string, string> UpdatePoolEntry(UpdatePool update, LWWDictionary<string, string> map)
    {
        var current = RegistryCodec.DecodePool(update.PoolId, map.Entries)
            ?? throw new RegistryRefusal(RegistryWriteResult.NotFound($"pool '{update.PoolId}' is unreadable"));
        var method = update.Method ?? current.Method;
        var options = current.Options;
        if (update.Options is not null)
        {
            using var patch = System.Text.Json.JsonDocument.Parse(update.Options);
            options = BalancingOptionsJson.Read(patch.RootElement, current.Options);
        }
        // The rules hold for the pool as it would be: switching to hash without a key (given now or before) is refused.
        if (RegistryValidator.Options(method, options) is { } refusal)
        {
            throw new RegistryRefusal(refusal);
        }
        var entry = RegistryCodec.EncodePool(current.Service, method, update.Priority ?? current.Priority, options);
        return map.SetItem(_replica.Self, RegistryKeys.PoolEntry, entry);
    }

    private LWWDictionary<string, string> AddHostEntry(AddHost add, LWWDictionary<string, string> map)
    {
        if (map.TryGetValue(add.Id, out var existing) && !RegistryCodec.IsRemoved(existing))
        {
            throw new RegistryRefusal(RegistryWriteResult.Conflict("id", $"pool '{add.PoolId}' already has a host '{add.Id}'"));
        }
        var service = RegistryCodec.DecodePool(add.PoolId, map.Entries)?.Service;
        if (_balancing.Services.FirstOrDefault(s => s.Name == service) is { } owner && !owner.Protocol.Accepts(add.Address))
        {
            throw new RegistryRefusal(RegistryWriteResult.Invalid("address",
                $"'{add.Address}' must be {owner.Protocol.AddressForm()}: pool '{add.PoolId}' belongs to {owner.Protocol.Name()} service '{owner.Name}'"));
        }
        return map.SetItem(_replica.Self, add.Id, RegistryCodec.EncodeHost(new HostSpec(add.Id, add.Address, add.Weight, HostAdminState.Up)));
    }

    private LWWDictionary<string, string> EditHost(string poolId, string hostId, LWWDictionary<string, string> map, Func<HostSpec, HostSpec> edit)
    {
        var host = StaticHost(poolId, hostId, map);
        return map.SetItem(_replica.Self, hostId, RegistryCodec.EncodeHost(edit(host)));
    }

    private LWWDictionary<string, string> RemoveHostEntry(RemoveHost remove, LWWDictionary<string, string> map)
    {
        StaticHost(remove.PoolId, remove.HostId, map);
        // A tombstone, not a remove: see RegistryCodec.Removed.
        return map.SetItem(_replica.Self, remove.HostId, RegistryCodec.Removed);
    }

    /// <summary>The host an operator may edit: it exists and no discovery source owns it.</summary>
    private static HostSpec StaticHost(string poolId, string hostId, LWWDictionary<string, string> map)
    {
        if (hostId == RegistryKeys.PoolEntry || !map.TryGetValue(hostId, out var json) || RegistryCodec.IsRemoved(json) || !RegistryCodec.TryDecodeHost(hostId, json, out var host))
        {
            throw new RegistryRefusal(RegistryWriteResult.NotFound($"pool '{poolId}' has no host '{hostId}'"));
        }
        if (host.IsDiscovered)
        {
            throw new RegistryRefusal(RegistryWriteResult.Conflict("id",
                $"host '{hostId}' of pool '{poolId}' was found by {host.Source} discovery: it follows its source and is not edited here (change the source, or the pool's discovery block)"));
        }
        return host;
    }

    private async Task<RegistryWriteResult> SyncAsync(SyncDiscoveredHosts sync, CancellationToken cancellation)
    {
        // Planned on the local replica first, so an unchanged answer writes nothing and counts no version.
        var local = await GetLocalAsync(RegistryKeys.Pool(sync.PoolId), cancellation).ConfigureAwait(false);
        if (local is null || !local.TryGetValue(RegistryKeys.PoolEntry, out _))
        {
            return RegistryWriteResult.NotFound($"no pool '{sync.PoolId}'");
        }
        var planned = DiscoveredHostSync.Plan(local.Entries, sync.Source, sync.Hosts);
        var clashes = planned.Clashes.IsEmpty
            ? ""
            : $"left out {string.Join(", ", planned.Clashes)}: a static host of pool '{sync.PoolId}' has that id";
        if (planned.Writes.IsEmpty)
        {
            return new RegistryWriteResult(RegistryWriteStatus.Applied, "unchanged", null, clashes, null);
        }
        // Planned again inside the update: the replica may have changed since the read.
        var result = await EditPoolAsync(sync.PoolId, map =>
        {
            foreach (var (id, json) in DiscoveredHostSync.Plan(map.Entries, sync.Source, sync.Hosts).Writes)
            {
                map = map.SetItem(_replica.Self, id, json);
            }
            return map;
        }).ConfigureAwait(false);
        return clashes.Length == 0 || result.Status != RegistryWriteStatus.Applied
            ? result
            : result with { Reason = string.Join("; ", new[] { result.Reason, clashes }.Where(r => r.Length > 0)) };
    }

    private Task<Written> CountAsync() =>
        WriteAsync(RegistryKeys.Version, GCounter.Empty, c => c.Increment(_replica.Self));

    private async Task<RegistryWriteResult> AppliedAsync(string poolId, IReadOnlyList<Written> writes)
    {
        var (consistency, reason) = Summarize(writes);
        var (spec, _) = await ReadPoolAsync(poolId, CancellationToken.None).ConfigureAwait(false);
        return new RegistryWriteResult(RegistryWriteStatus.Applied, consistency, null, reason, spec);
    }

    private (string Consistency, string Reason) Summarize(IReadOnlyList<Written> writes)
    {
        if (writes.Any(w => w.StoreFailed))
        {
            return ("local", "applied and spreading to the other nodes, but this node's durable store failed to keep it (see the node's log); this node loses it if it restarts before a peer gives it back");
        }
        if (writes.All(w => w.ReachedMajority))
        {
            return ("majority", string.Empty);
        }
        return ("local", $"applied on this node, but a majority of the nodes did not confirm within {_settings.WriteTimeout.TotalSeconds:0.###} s; the change spreads by gossip");
    }

    private WriteMajority Majority() => new(_settings.WriteTimeout);

    private async Task<Written> WriteAsync<T>(IKey<T> key, T initial, Func<T, T> modify)
        where T : IReplicatedData
    {
        var reply = await AskReplicatorAsync(Dsl.Update(key, initial, Majority(), modify)).ConfigureAwait(false);
        return reply switch
        {
            UpdateSuccess => Written.Majority,
            UpdateTimeout => Written.TimedOut,
            StoreFailure => Written.NotStored,
            ModifyFailure { Cause: RegistryRefusal r } => new Written(false, r.Result, false),
            ModifyFailure f => throw new InvalidOperationException($"registry write of {key.Id} failed: {f.ErrorMessage}", f.Cause),
            DataDeleted => new Written(false, null, true),
            _ => throw new InvalidOperationException($"unexpected replicator reply {reply.GetType().Name}"),
        };
    }

    // Writes are not cancellable: once the replicator has a write it applies it whether or not anyone waits, so a
    // command always runs all its steps (a cancelled caller never leaves half a pool). The replicator answers a
    // timed-out write itself after WriteTimeout; the margin covers a busy mailbox.
    private Task<object> AskReplicatorAsync(object message) =>
        _replica.Replicator.Ask<object>(message, _settings.WriteTimeout + LocalTimeout);

    /// <summary>One replicated write's outcome.</summary>
    /// <param name="ReachedMajority">The replicator confirmed the write at WriteMajority.</param>
    /// <param name="Refusal">The command's refusal, found inside the modify function; nothing was written.</param>
    /// <param name="Deleted">The key was deleted; nothing was written.</param>
    private sealed record Written(bool ReachedMajority, RegistryWriteResult? Refusal, bool Deleted)
    {
        public static readonly Written Majority = new(true, null, false);

        public static readonly Written TimedOut = new(false, null, false);

        /// <summary>Applied in memory (and spreading) but this node's durable store failed to keep it.</summary>
        public static readonly Written NotStored = new(false, null, false) { StoreFailed = true };

        public bool StoreFailed { get; init; }
    }
}
