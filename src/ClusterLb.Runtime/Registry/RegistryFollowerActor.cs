using System.Collections.Immutable;
using Akka.Actor;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;
using Akka.DistributedData;
using ClusterLb.Runtime.Balancing;
using ClusterLb.Runtime.Logging;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Runtime.Registry;

/// <summary>
/// This node's follower of the replicated registry (a child of the balancer): seeds it from the configuration,
/// subscribes to the route table, every routed pool's key and the version counter, and hands the decoded pools
/// to the balancer, which passes each service's to its router. Publishes <see cref="RegistryEvent"/>
/// <c>registry_changed</c> per applied change and records the version this node has applied.
/// </summary>
public sealed class RegistryFollowerActor : ReceiveActor
{
    private readonly BalancingSettings _balancing;
    private readonly RegistryReplica _replica;
    private readonly RegistrySettings _settings;
    private readonly HashSet<string> _services;
    private readonly Dictionary<string, LWWDictionary<string, string>> _poolMaps = new(StringComparer.Ordinal);
    private readonly HashSet<string> _subscribed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);
    private ImmutableDictionary<string, string> _routes = ImmutableDictionary<string, string>.Empty;
    private ImmutableDictionary<string, PoolSpec> _applied = ImmutableDictionary<string, PoolSpec>.Empty;
    private ulong _version;
    private ulong? _recordedVersion;
    private bool _loaded;
    private readonly ILogger _log;

    /// <summary>Creates the follower.</summary>
    public RegistryFollowerActor(BalancingSettings balancing, RegistryReplica replica, RegistrySettings settings)
    {
        _balancing = balancing;
        _replica = replica;
        _settings = settings;
        _log = Context.System.Logger<RegistryFollowerActor>();
        _services = balancing.Services.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        Receive<RegistryLoad>(OnLoaded);
        Receive<Status.Failure>(OnLoadFailed);
        Receive<Changed>(OnChanged);
        Receive<DataDeleted>(OnDeleted);
        // Replies to this node's applied-version writes: nothing to do either way, the next change writes again.
        Receive<UpdateSuccess>(_ => { });
        Receive<UpdateTimeout>(_ => { });
        Receive<ModifyFailure>(_ => { });
        Receive<StoreFailure>(_ => { });
    }

    /// <summary>Props for the follower.</summary>
    public static Props Props(BalancingSettings balancing, RegistryReplica replica, RegistrySettings settings) =>
        Akka.Actor.Props.Create(() => new RegistryFollowerActor(balancing, replica, settings));

    /// <inheritdoc />
    protected override void PreStart() =>
        RegistrySeeder.SeedAndLoadAsync(_replica, _balancing, _settings).PipeTo(Self);

    private void OnLoaded(RegistryLoad load)
    {
        _routes = load.Routes;
        foreach (var (id, map) in load.PoolMaps)
        {
            _poolMaps[id] = map;
        }
        _version = load.Version;
        _log.RegistryLoaded(load.Routes.Count, load.Version, load.Seeded.IsEmpty ? "none" : string.Join(", ", load.Seeded));
        Follow();
    }

    private void OnLoadFailed(Status.Failure failure)
    {
        _log.RegistryLoadFailed(failure.Cause);
        Follow();
    }

    private void Follow()
    {
        _loaded = true;
        _replica.Replicator.Tell(new Subscribe(RegistryKeys.Pools, Self));
        _replica.Replicator.Tell(new Subscribe(RegistryKeys.Version, Self));
        SubscribePools();
        Apply(initial: true);
    }

    private void OnChanged(Changed changed)
    {
        var id = changed.Key.Id;
        if (id == RegistryKeys.Pools.Id)
        {
            _routes = RegistryKeys.LiveRoutes(changed.Get(RegistryKeys.Pools));
            SubscribePools();
        }
        else if (id == RegistryKeys.Version.Id)
        {
            _version = changed.Get(RegistryKeys.Version).Value;
        }
        else if (id.StartsWith(RegistryKeys.PoolPrefix, StringComparison.Ordinal) && changed.Data is LWWDictionary<string, string> map)
        {
            var poolId = id[RegistryKeys.PoolPrefix.Length..];
            if (!_subscribed.Contains(poolId))
            {
                return;
            }
            _poolMaps[poolId] = map;
        }
        Apply(initial: false);
    }

    private void OnDeleted(DataDeleted deleted)
    {
        var id = deleted.Key.Id;
        if (id.StartsWith(RegistryKeys.PoolPrefix, StringComparison.Ordinal))
        {
            _poolMaps.Remove(id[RegistryKeys.PoolPrefix.Length..]);
            Apply(initial: false);
        }
    }

    /// <summary>Follows exactly the pools in the route table.</summary>
    private void SubscribePools()
    {
        var added = false;
        foreach (var poolId in _routes.Keys)
        {
            if (_subscribed.Add(poolId))
            {
                _replica.Replicator.Tell(new Subscribe(RegistryKeys.Pool(poolId), Self));
                added = true;
            }
        }
        foreach (var poolId in _subscribed.Where(p => !_routes.ContainsKey(p)).ToList())
        {
            _subscribed.Remove(poolId);
            _poolMaps.Remove(poolId);
            _replica.Replicator.Tell(new Unsubscribe(RegistryKeys.Pool(poolId), Self));
        }
        if (added && _loaded)
        {
            // A new subscriber gets the key's value with the next batch; ask for it now rather than an interval later.
            _replica.Replicator.Tell(FlushChanges.Instance);
        }
    }

    private void Apply(bool initial)
    {
        if (!_loaded)
        {
            return;
        }
        var pools = Decode();
        var changed = initial
            ? _services.ToImmutableHashSet(StringComparer.Ordinal)
            : ChangedServices(_applied, pools);
        var before = _applied;
        _applied = pools;
        if (!changed.IsEmpty)
        {
            var byService = _services.ToImmutableDictionary(
                s => s,
                s => pools.Values.Where(p => p.Service == s).OrderBy(p => p.Priority).ThenBy(p => p.Id, StringComparer.Ordinal).ToImmutableArray(),
                StringComparer.Ordinal);
            Context.Parent.Tell(new RegistryApplied(byService, changed));
        }
        if (!initial)
        {
            foreach (var (pool, host, detail) in RegistryDiff.Changes(before, pools))
            {
                _log.RegistryChangeApplied(pool.Service, pool.Id, host ?? "-", detail);
                Context.System.EventStream.Publish(new RegistryEvent(RegistryEvent.RegistryChanged, _replica.Node, pool.Service, pool.Id, host, detail, DateTimeOffset.UtcNow));
            }
        }
        RecordAppliedVersion();
    }

    private ImmutableDictionary<string, PoolSpec> Decode()
    {
        var pools = ImmutableDictionary.CreateBuilder<string, PoolSpec>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (poolId, service) in _routes)
        {
            if (!_poolMaps.TryGetValue(poolId, out var map) || RegistryCodec.DecodePool(poolId, map.Entries, problems) is not { } spec)
            {
                continue;
            }
            if (!_services.Contains(spec.Service))
            {
                if (_warned.Add(poolId))
                {
                    _log.RegistryUnknownService(poolId, spec.Service);
                }
                continue;
            }
            pools[poolId] = spec;
        }
        foreach (var problem in problems.Where(_warned.Add))
        {
            _log.RegistryEntrySkipped(problem);
        }
        return pools.ToImmutable();
    }

    private static ImmutableHashSet<string> ChangedServices(ImmutableDictionary<string, PoolSpec> before, ImmutableDictionary<string, PoolSpec> after)
    {
        var changed = ImmutableHashSet.CreateBuilder<string>(StringComparer.Ordinal);
        foreach (var (id, old) in before)
        {
            if (!after.TryGetValue(id, out var now) || !RegistryDiff.Same(old, now))
            {
                changed.Add(old.Service);
                if (now is not null)
                {
                    changed.Add(now.Service);
                }
            }
        }
        foreach (var (id, now) in after)
        {
            if (!before.ContainsKey(id))
            {
                changed.Add(now.Service);
            }
        }
        return changed.ToImmutable();
    }

    /// <summary>Writes this node's entry of the applied-versions map when it moved (local write; gossip spreads it).</summary>
    private void RecordAppliedVersion()
    {
        if (_recordedVersion == _version)
        {
            return;
        }
        _recordedVersion = _version;
        var node = _replica.Node;
        var self = _replica.Self;
        var version = (long)_version;
        Metrics.RuntimeMetrics.Get(Context.System).RegistryApplied(version);
        _replica.Replicator.Tell(Dsl.Update(RegistryKeys.Applied, LWWDictionary<string, long>.Empty, WriteLocal.Instance, m => m.SetItem(self, node, version)), Self);
    }
}
