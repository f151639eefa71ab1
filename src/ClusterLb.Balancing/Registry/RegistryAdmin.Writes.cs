using ClusterLb.Actors;
using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Replication;

namespace ClusterLb.Balancing.Registry;

// The write side: each command's replicated writes, with existence checked inside the replicator's update.
public sealed partial class RegistryAdmin
{
    private async Task<RegistryWriteResult> CreateAsync(CreatePool create)
    {
        var key = RegistryKeys.Pool(create.Id);
        var entry = RegistryCodec.EncodePool(create.Service, create.Method, create.Priority);
        var written = await WriteAsync(key, LWWMap<string, string>.Empty, map =>
        {
            if (map.TryGetValue(RegistryKeys.PoolEntry, out _))
            {
                throw new RegistryRefusal(RegistryWriteResult.Conflict("id", $"pool '{create.Id}' already exists"));
            }
            // Leftovers of a concurrent edit are not inherited by a new pool.
            foreach (var host in map.Entries.Keys)
            {
                map = map.Remove(_replica.Self, host);
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
        var route = await WriteAsync(RegistryKeys.Pools, LWWMap<string, string>.Empty, t => t.SetItem(_replica.Self, create.Id, create.Service)).ConfigureAwait(false);
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
        var route = await WriteAsync(RegistryKeys.Pools, LWWMap<string, string>.Empty, t => t.Remove(_replica.Self, delete.PoolId)).ConfigureAwait(false);
        var reply = await AskReplicatorAsync(new Delete(RegistryKeys.Pool(delete.PoolId), Majority())).ConfigureAwait(false);
        var deleted = reply switch
        {
            DeleteSuccess s => Written.Reached(s.Reached),
            DeleteTimeout t => Written.TimedOut(t.Acknowledged, t.Required),
            DataDeleted => Written.Reached(ConsistencyReached.Majority),
            StoreFailure => Written.NotStored(),
            _ => throw new InvalidOperationException($"unexpected replicator reply {reply.GetType().Name}"),
        };
        var counted = await CountAsync().ConfigureAwait(false);
        var (consistency, reason) = Summarize([route, deleted, counted]);
        return new RegistryWriteResult(RegistryWriteStatus.Applied, consistency, null, reason, null);
    }

    private async Task<RegistryWriteResult> EditPoolAsync(string poolId, Func<LWWMap<string, string>, LWWMap<string, string>> modify)
    {
        if (!RegistryValidator.IsValidId(poolId))
        {
            return RegistryWriteResult.NotFound($"no pool '{poolId}'");
        }
        var written = await WriteAsync(RegistryKeys.Pool(poolId), LWWMap<string, string>.Empty, map =>
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

    private LWWMap<string, string> UpdatePoolEntry(UpdatePool update, LWWMap<string, string> map)
    {
        var current = RegistryCodec.DecodePool(update.PoolId, map)
            ?? throw new RegistryRefusal(RegistryWriteResult.NotFound($"pool '{update.PoolId}' is unreadable"));
        var entry = RegistryCodec.EncodePool(current.Service, update.Method ?? current.Method, update.Priority ?? current.Priority);
        return map.SetItem(_replica.Self, RegistryKeys.PoolEntry, entry);
    }

    private LWWMap<string, string> AddHostEntry(AddHost add, LWWMap<string, string> map)
    {
        if (map.TryGetValue(add.Id, out _))
        {
            throw new RegistryRefusal(RegistryWriteResult.Conflict("id", $"pool '{add.PoolId}' already has a host '{add.Id}'"));
        }
        return map.SetItem(_replica.Self, add.Id, RegistryCodec.EncodeHost(new HostSpec(add.Id, add.Address, add.Weight, HostAdminState.Up)));
    }

    private LWWMap<string, string> EditHost(string poolId, string hostId, LWWMap<string, string> map, Func<HostSpec, HostSpec> edit)
    {
        if (hostId == RegistryKeys.PoolEntry || !map.TryGetValue(hostId, out var json) || !RegistryCodec.TryDecodeHost(hostId, json, out var host))
        {
            throw new RegistryRefusal(RegistryWriteResult.NotFound($"pool '{poolId}' has no host '{hostId}'"));
        }
        return map.SetItem(_replica.Self, hostId, RegistryCodec.EncodeHost(edit(host)));
    }

    private LWWMap<string, string> RemoveHostEntry(RemoveHost remove, LWWMap<string, string> map)
    {
        if (remove.HostId == RegistryKeys.PoolEntry || !map.TryGetValue(remove.HostId, out _))
        {
            throw new RegistryRefusal(RegistryWriteResult.NotFound($"pool '{remove.PoolId}' has no host '{remove.HostId}'"));
        }
        return map.Remove(_replica.Self, remove.HostId);
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
            return ("local", "applied and spreading to the other nodes, but this node's durable store failed to keep it (log event 6007); this node loses it if it restarts before a peer gives it back");
        }
        var shortfall = writes.FirstOrDefault(w => w.Reach != ConsistencyReached.Majority && w.Reach != ConsistencyReached.All);
        if (shortfall is null)
        {
            return ("majority", string.Empty);
        }
        return ("local", $"applied on this node, but only {shortfall.Acknowledged} of the {shortfall.Required} replicas needed for a majority confirmed within {_settings.WriteTimeout.TotalSeconds:0.###} s; the change spreads by gossip");
    }

    private WriteMajority Majority() => new(_settings.WriteTimeout);

    private async Task<Written> WriteAsync<T>(Key<T> key, T initial, Func<T, T> modify)
        where T : IReplicatedData
    {
        var reply = await AskReplicatorAsync(Update.Create(key, initial, Majority(), modify)).ConfigureAwait(false);
        return reply switch
        {
            UpdateSuccess s => Written.Reached(s.Reached),
            UpdateTimeout t => Written.TimedOut(t.Acknowledged, t.Required),
            StoreFailure => Written.NotStored(),
            ModifyFailure { Cause: RegistryRefusal r } => new Written(ConsistencyReached.Local, 0, 0, r.Result, false),
            ModifyFailure f => throw new InvalidOperationException($"registry write of {key.Id} failed: {f.ErrorMessage}", f.Cause),
            DataDeleted => new Written(ConsistencyReached.Local, 0, 0, null, true),
            _ => throw new InvalidOperationException($"unexpected replicator reply {reply.GetType().Name}"),
        };
    }

    // Writes are not cancellable: once the replicator has a write it applies it whether or not anyone waits, so a
    // command always runs all its steps (a cancelled caller never leaves half a pool). The replicator answers a
    // timed-out write itself after WriteTimeout; the margin covers a busy mailbox.
    private Task<object> AskReplicatorAsync(object message) =>
        _replica.Replicator.Ask<object>(message, _settings.WriteTimeout + LocalTimeout);

    private sealed record Written(ConsistencyReached Reach, int Acknowledged, int Required, RegistryWriteResult? Refusal, bool Deleted)
    {
        public static Written Reached(ConsistencyReached reached) => new(reached, 0, 0, null, false);

        public static Written TimedOut(int acknowledged, int required) => new(ConsistencyReached.Local, acknowledged, required, null, false);

        /// <summary>Applied in memory (and spreading) but this node's durable store failed to keep it.</summary>
        public static Written NotStored() => new(ConsistencyReached.Local, 1, 0, null, false) { StoreFailed = true };

        public bool StoreFailed { get; init; }
    }
}
