using System.Collections.Immutable;
using ClusterLb.Actors;
using ClusterLb.Balancing.Actors;
using ClusterLb.Balancing.Settings;
using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Replication;

namespace ClusterLb.Balancing.Registry;

/// <summary>
/// <see cref="IRegistryAdmin"/> over this node's replicator: reads the local replica, validates, and writes at
/// WriteMajority (reporting <c>local</c> with a warning when the majority does not confirm in time; the write is
/// kept and spreads by gossip). Health and in-flight counts in the views come from this node's balancer.
/// </summary>
public sealed class RegistryAdmin : IRegistryAdmin
{
    private static readonly TimeSpan LocalTimeout = TimeSpan.FromSeconds(5);
    private readonly RegistryReplica _replica;
    private readonly BalancingSettings _balancing;
    private readonly RegistrySettings _settings;
    private readonly IActorRef? _balancer;
    private readonly IReadOnlySet<string> _services;
    // One command at a time on this node, so a command's read-check-write steps never interleave with another's.
    // Never disposed: without its wait handle a SemaphoreSlim holds nothing to release, and requests may outlive the node.
    private readonly SemaphoreSlim _writes = new(1, 1);

    /// <summary>Creates the admin surface; <paramref name="balancer"/> (optional) supplies health and in-flight counts.</summary>
    public RegistryAdmin(RegistryReplica replica, BalancingSettings balancing, RegistrySettings settings, IActorRef? balancer)
    {
        _replica = replica;
        _balancing = balancing;
        _settings = settings;
        _balancer = balancer;
        _services = balancing.Services.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ServiceView>> GetServicesAsync(CancellationToken cancellation)
    {
        var pools = await GetPoolsAsync(cancellation).ConfigureAwait(false);
        return _balancing.Services.Select(s => new ServiceView(
            s.Name,
            s.Match.Hosts,
            s.Match.PathPrefix,
            pools.Where(p => p.Service == s.Name).Select(p => p.Id).ToImmutableArray())).ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PoolView>> GetPoolsAsync(CancellationToken cancellation)
    {
        var specs = await ReadPoolsAsync(cancellation).ConfigureAwait(false);
        var health = await HealthAsync(cancellation).ConfigureAwait(false);
        var order = _balancing.Services.Select((s, i) => (s.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
        return specs
            .OrderBy(p => order.GetValueOrDefault(p.Service, int.MaxValue))
            .ThenBy(p => p.Priority)
            .ThenBy(p => p.Id, StringComparer.Ordinal)
            .Select(p => View(p, health))
            .ToList();
    }

    /// <inheritdoc />
    public async Task<PoolView?> GetPoolAsync(string poolId, CancellationToken cancellation)
    {
        if (!RegistryValidator.IsValidId(poolId))
        {
            return null;
        }
        var (spec, _) = await ReadPoolAsync(poolId, cancellation).ConfigureAwait(false);
        return spec is null ? null : View(spec, await HealthAsync(cancellation).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task<RegistryStatus> GetStatusAsync(CancellationToken cancellation)
    {
        var version = await GetLocalAsync(RegistryKeys.Version, cancellation).ConfigureAwait(false);
        var applied = await GetLocalAsync(RegistryKeys.Applied, cancellation).ConfigureAwait(false);
        var total = (long)(version?.Value ?? 0);
        var nodes = (applied?.Entries ?? ImmutableDictionary<string, long>.Empty)
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new NodeRegistryVersion(e.Key, e.Value, Math.Max(0, total - e.Value)))
            .ToImmutableArray();
        return new RegistryStatus(total, nodes);
    }

    /// <inheritdoc />
    public async Task<RegistryWriteResult> ApplyAsync(RegistryCommand command, CancellationToken cancellation)
    {
        if (RegistryValidator.Check(command, _services) is { } refusal)
        {
            return refusal;
        }
        await _writes.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var result = await ApplyLockedAsync(command, cancellation).ConfigureAwait(false);
            if (result.Status == RegistryWriteStatus.Applied)
            {
                // This node's routers apply the change now rather than at the next notification interval, and each
                // command is applied (and announced) on its own.
                _replica.Replicator.Tell(FlushChanges.Instance);
            }
            return result;
        }
        finally
        {
            _writes.Release();
        }
    }

    private Task<RegistryWriteResult> ApplyLockedAsync(RegistryCommand command, CancellationToken cancellation) => command switch
    {
        CreatePool c => CreateAsync(c, cancellation),
        DeletePool d => DeleteAsync(d, cancellation),
        UpdatePool u => EditPoolAsync(u.PoolId, map => UpdatePoolEntry(u, map), cancellation),
        AddHost a => EditPoolAsync(a.PoolId, map => AddHostEntry(a, map), cancellation),
        UpdateHost u => EditPoolAsync(u.PoolId, map => EditHost(u.PoolId, u.HostId, map, h => h with { Weight = u.Weight }), cancellation),
        SetHostState s => EditPoolAsync(s.PoolId, map => EditHost(s.PoolId, s.HostId, map, h => h with { State = s.State }), cancellation),
        RemoveHost r => EditPoolAsync(r.PoolId, map => RemoveHostEntry(r, map), cancellation),
        _ => Task.FromResult(RegistryWriteResult.Invalid("command", $"unknown command {command.GetType().Name}")),
    };

    private async Task<RegistryWriteResult> CreateAsync(CreatePool create, CancellationToken cancellation)
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
        }, cancellation).ConfigureAwait(false);
        if (written.Deleted)
        {
            return RegistryWriteResult.Conflict("id", $"pool '{create.Id}' was deleted; the id of a deleted pool is not reused, choose another");
        }
        if (written.Refusal is { } refusal)
        {
            return refusal;
        }
        var route = await WriteAsync(RegistryKeys.Pools, LWWMap<string, string>.Empty, t => t.SetItem(_replica.Self, create.Id, create.Service), cancellation).ConfigureAwait(false);
        var counted = await CountAsync(cancellation).ConfigureAwait(false);
        return await AppliedAsync(create.Id, [written, route, counted], cancellation).ConfigureAwait(false);
    }

    private async Task<RegistryWriteResult> DeleteAsync(DeletePool delete, CancellationToken cancellation)
    {
        var (spec, _) = await ReadPoolAsync(delete.PoolId, cancellation).ConfigureAwait(false);
        if (spec is null)
        {
            return RegistryWriteResult.NotFound($"no pool '{delete.PoolId}'");
        }
        // Out of the route table first: routers drop the pool as soon as either write reaches them.
        var route = await WriteAsync(RegistryKeys.Pools, LWWMap<string, string>.Empty, t => t.Remove(_replica.Self, delete.PoolId), cancellation).ConfigureAwait(false);
        var reply = await AskReplicatorAsync(new Delete(RegistryKeys.Pool(delete.PoolId), Majority()), cancellation).ConfigureAwait(false);
        var deleted = reply switch
        {
            DeleteSuccess s => Written.Reached(s.Reached),
            DeleteTimeout t => Written.TimedOut(t.Acknowledged, t.Required),
            DataDeleted => Written.Reached(ConsistencyReached.Majority),
            _ => throw new InvalidOperationException($"unexpected replicator reply {reply.GetType().Name}"),
        };
        var counted = await CountAsync(cancellation).ConfigureAwait(false);
        var (consistency, reason) = Summarize([route, deleted, counted]);
        return new RegistryWriteResult(RegistryWriteStatus.Applied, consistency, null, reason, null);
    }

    private async Task<RegistryWriteResult> EditPoolAsync(string poolId, Func<LWWMap<string, string>, LWWMap<string, string>> modify, CancellationToken cancellation)
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
        }, cancellation).ConfigureAwait(false);
        if (written.Deleted)
        {
            return RegistryWriteResult.NotFound($"no pool '{poolId}'");
        }
        if (written.Refusal is { } refusal)
        {
            return refusal;
        }
        var counted = await CountAsync(cancellation).ConfigureAwait(false);
        return await AppliedAsync(poolId, [written, counted], cancellation).ConfigureAwait(false);
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

    private Task<Written> CountAsync(CancellationToken cancellation) =>
        WriteAsync(RegistryKeys.Version, GCounter.Empty, c => c.Increment(_replica.Self), cancellation);

    private async Task<RegistryWriteResult> AppliedAsync(string poolId, IReadOnlyList<Written> writes, CancellationToken cancellation)
    {
        var (consistency, reason) = Summarize(writes);
        var (spec, _) = await ReadPoolAsync(poolId, cancellation).ConfigureAwait(false);
        return new RegistryWriteResult(RegistryWriteStatus.Applied, consistency, null, reason, spec);
    }

    private (string Consistency, string Reason) Summarize(IReadOnlyList<Written> writes)
    {
        var shortfall = writes.FirstOrDefault(w => w.Reach != ConsistencyReached.Majority && w.Reach != ConsistencyReached.All);
        if (shortfall is null)
        {
            return ("majority", string.Empty);
        }
        return ("local", $"applied on this node, but only {shortfall.Acknowledged} of the {shortfall.Required} replicas needed for a majority confirmed within {_settings.WriteTimeout.TotalSeconds:0.###} s; the change spreads by gossip");
    }

    private WriteMajority Majority() => new(_settings.WriteTimeout);

    private async Task<Written> WriteAsync<T>(Key<T> key, T initial, Func<T, T> modify, CancellationToken cancellation)
        where T : IReplicatedData
    {
        var reply = await AskReplicatorAsync(Update.Create(key, initial, Majority(), modify), cancellation).ConfigureAwait(false);
        return reply switch
        {
            UpdateSuccess s => Written.Reached(s.Reached),
            UpdateTimeout t => Written.TimedOut(t.Acknowledged, t.Required),
            ModifyFailure { Cause: RegistryRefusal r } => new Written(ConsistencyReached.Local, 0, 0, r.Result, false),
            ModifyFailure f => throw new InvalidOperationException($"registry write of {key.Id} failed: {f.ErrorMessage}", f.Cause),
            DataDeleted => new Written(ConsistencyReached.Local, 0, 0, null, true),
            _ => throw new InvalidOperationException($"unexpected replicator reply {reply.GetType().Name}"),
        };
    }

    private Task<object> AskReplicatorAsync(object message, CancellationToken cancellation) =>
        // The replicator answers a timed-out write itself after WriteTimeout; the margin covers a busy mailbox.
        _replica.Replicator.Ask<object>(message, _settings.WriteTimeout + LocalTimeout, cancellation);

    private async Task<T?> GetLocalAsync<T>(Key<T> key, CancellationToken cancellation)
        where T : class, IReplicatedData
    {
        var reply = await _replica.Replicator.Ask<object>(new Get(key, ReadLocal.Instance), LocalTimeout, cancellation).ConfigureAwait(false);
        return reply is GetSuccess success ? success.Get(key) : null;
    }

    private async Task<(PoolSpec? Spec, bool Deleted)> ReadPoolAsync(string poolId, CancellationToken cancellation)
    {
        var key = RegistryKeys.Pool(poolId);
        var reply = await _replica.Replicator.Ask<object>(new Get(key, ReadLocal.Instance), LocalTimeout, cancellation).ConfigureAwait(false);
        return reply switch
        {
            GetSuccess s => (RegistryCodec.DecodePool(poolId, s.Get(key)), false),
            DataDeleted => (null, true),
            _ => (null, false),
        };
    }

    private async Task<List<PoolSpec>> ReadPoolsAsync(CancellationToken cancellation)
    {
        var table = await GetLocalAsync(RegistryKeys.Pools, cancellation).ConfigureAwait(false);
        var pools = new List<PoolSpec>();
        foreach (var id in (table?.Entries.Keys ?? []).Order(StringComparer.Ordinal))
        {
            if ((await ReadPoolAsync(id, cancellation).ConfigureAwait(false)).Spec is { } spec)
            {
                pools.Add(spec);
            }
        }
        return pools;
    }

    private async Task<IReadOnlyDictionary<(string Pool, string Host), (string Health, long InFlight)>> HealthAsync(CancellationToken cancellation)
    {
        if (_balancer is null)
        {
            return new Dictionary<(string, string), (string, long)>();
        }
        try
        {
            var status = await _balancer.Ask<BalancerStatus>(GetBalancerStatus.Instance, LocalTimeout, cancellation).ConfigureAwait(false);
            return status.Services
                .SelectMany(s => s.Pools.SelectMany(p => p.Hosts.Select(h => (Key: (p.Id, h.Id), Value: (h.Health, (long)h.InFlight)))))
                .GroupBy(x => x.Key)
                .ToDictionary(g => g.Key, g => g.First().Value);
        }
        catch (Exception ex) when (ex is AskTimeoutException or TimeoutException)
        {
            // Views still answer; health shows as unknown.
            return new Dictionary<(string, string), (string, long)>();
        }
    }

    private static PoolView View(PoolSpec pool, IReadOnlyDictionary<(string Pool, string Host), (string Health, long InFlight)> health) =>
        new(pool.Id, pool.Service, pool.Method.ToConfigName(), pool.Priority, pool.Hosts
            .Select(h => health.TryGetValue((pool.Id, h.Id), out var v) ? new HostView(h, v.Health, v.InFlight) : new HostView(h, "unknown", 0))
            .ToImmutableArray());

    private sealed record Written(ConsistencyReached Reach, int Acknowledged, int Required, RegistryWriteResult? Refusal, bool Deleted)
    {
        public static Written Reached(ConsistencyReached reached) => new(reached, 0, 0, null, false);

        public static Written TimedOut(int acknowledged, int required) => new(ConsistencyReached.Local, acknowledged, required, null, false);
    }
}
