using System.Collections.Immutable;
using Akka.Actor;
using ClusterLb.Balancing.Settings;
using Akka.DistributedData;
using ClusterLb.Balancing.Registry;
using ClusterLb.Runtime.Balancing;

namespace ClusterLb.Runtime.Registry;

/// <summary>
/// <see cref="IRegistryAdmin"/> over this node's replicator: reads the local replica, validates, and writes at
/// WriteMajority (reporting <c>local</c> with a warning when the majority does not confirm in time; the write is
/// kept and spreads by gossip). Health and in-flight counts in the views come from this node's balancer.
/// </summary>
public sealed partial class RegistryAdmin : IRegistryAdmin
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
        var nodes = (applied?.Entries ?? (IImmutableDictionary<string, long>)ImmutableDictionary<string, long>.Empty)
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
        CreatePool c => CreateAsync(c),
        DeletePool d => DeleteAsync(d, cancellation),
        UpdatePool u => EditPoolAsync(u.PoolId, map => UpdatePoolEntry(u, map)),
        AddHost a => EditPoolAsync(a.PoolId, map => AddHostEntry(a, map)),
        UpdateHost u => EditPoolAsync(u.PoolId, map => EditHost(u.PoolId, u.HostId, map, h => h with { Weight = u.Weight })),
        SetHostState s => EditPoolAsync(s.PoolId, map => EditHost(s.PoolId, s.HostId, map, h => h with { State = s.State })),
        RemoveHost r => EditPoolAsync(r.PoolId, map => RemoveHostEntry(r, map)),
        SyncDiscoveredHosts d => SyncAsync(d, cancellation),
        _ => Task.FromResult(RegistryWriteResult.Invalid("command", $"unknown command {command.GetType().Name}")),
    };

    private async Task<T?> GetLocalAsync<T>(IKey<T> key, CancellationToken cancellation)
        where T : class, IReplicatedData
    {
        var reply = await _replica.Replicator.Ask<object>(Dsl.Get(key, ReadLocal.Instance), LocalTimeout, cancellation).ConfigureAwait(false);
        return reply is GetSuccess success ? success.Get(key) : null;
    }

    private async Task<(PoolSpec? Spec, bool Deleted)> ReadPoolAsync(string poolId, CancellationToken cancellation)
    {
        var key = RegistryKeys.Pool(poolId);
        var reply = await _replica.Replicator.Ask<object>(Dsl.Get(key, ReadLocal.Instance), LocalTimeout, cancellation).ConfigureAwait(false);
        return reply switch
        {
            GetSuccess s => (RegistryCodec.DecodePool(poolId, s.Get(key).Entries), false),
            DataDeleted => (null, true),
            _ => (null, false),
        };
    }

    private async Task<List<PoolSpec>> ReadPoolsAsync(CancellationToken cancellation)
    {
        var table = await GetLocalAsync(RegistryKeys.Pools, cancellation).ConfigureAwait(false);
        var pools = new List<PoolSpec>();
        foreach (var id in RegistryKeys.LiveRoutes(table).Keys.Order(StringComparer.Ordinal))
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
            .ToImmutableArray())
        { Options = pool.Options };
}
