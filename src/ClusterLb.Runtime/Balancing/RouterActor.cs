using System.Collections.Immutable;
using Akka.Actor;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Balancing.Reporting;
using ClusterLb.Runtime.Logging;
using ClusterLb.Runtime.Registry;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Runtime.Balancing;

/// <summary>
/// Owns one service's routing state. The service's pools arrive from the registry (<see cref="ServicePools"/>),
/// health changes from its checkers; each change that matters publishes a new immutable
/// <see cref="RoutingSnapshot"/> to the service's <see cref="RouteHandle"/>, where request threads pick without
/// asking this actor anything (Akka's routers likewise route on the sender's thread). Supervises one
/// <see cref="HealthCheckerActor"/> per host.
/// </summary>
/// <remarks>
/// A host is in rotation when its checker says up and its operator state is <see cref="HostAdminState.Up"/>.
/// A removed host leaves the next snapshot at once; requests already holding it finish (drain) and its checker stops.
/// </remarks>
public sealed class RouterActor : ReceiveActor
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);
    private readonly ServiceSettings _service;
    private readonly RouteHandle _handle;
    private readonly HttpMessageInvoker _probeClient;
    private readonly string _node;
    private readonly Dictionary<string, PoolSettings> _configured;
    private readonly Dictionary<string, PoolState> _pools = new(StringComparer.Ordinal);
    private long _version;
    private long _checkers;
    private bool _loaded;
    private readonly ILogger _log;

    /// <summary>Creates the router for <paramref name="service"/>, publishing to <paramref name="handle"/>.</summary>
    public RouterActor(ServiceSettings service, RouteHandle handle, HttpMessageInvoker probeClient, string node)
    {
        _service = service;
        _handle = handle;
        _probeClient = probeClient;
        _node = node;
        _log = Context.System.Logger<RouterActor>();
        _configured = service.Pools.ToDictionary(p => p.Id, StringComparer.Ordinal);
        Receive<ServicePools>(OnPools);
        Receive<HostHealthChanged>(OnHealthChanged);
        Receive<GetServiceStatus>(_ => ReplyStatus());
    }

    /// <summary>Props for a router.</summary>
    public static Props Props(ServiceSettings service, RouteHandle handle, HttpMessageInvoker probeClient, string node) =>
        Akka.Actor.Props.Create(() => new RouterActor(service, handle, probeClient, node));

    /// <inheritdoc />
    protected override void PreStart()
    {
        _pools.Clear();
        _loaded = false;
        // A restarted router asks for the pools it held; a new one gets them when the registry is loaded.
        Context.Parent.Tell(new RouterReady(_service.Name), Self);
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        // A checker that throws is restarted and re-announces its state; it never takes the router down.
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    private void OnPools(ServicePools message)
    {
        // Hosts present when the router first loads start up (a starting node serves at once); later ones earn it.
        var initial = !_loaded;
        _loaded = true;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in message.Pools)
        {
            seen.Add(spec.Id);
            var settings = SettingsFor(spec);
            if (!_pools.TryGetValue(spec.Id, out var pool))
            {
                _pools[spec.Id] = pool = new PoolState(settings);
            }
            pool.Apply(_service.Name, settings, spec.Hosts, host => StartChecker(settings, host, initial), Context.Stop);
        }
        foreach (var gone in _pools.Keys.Where(id => !seen.Contains(id)).ToList())
        {
            foreach (var host in _pools[gone].Hosts)
            {
                Context.Stop(host.Checker);
            }
            _pools.Remove(gone);
        }
        Publish();
    }

    private PoolSettings SettingsFor(PoolSpec spec)
    {
        // Configured pools keep their own checks; pools created at runtime take the service's (over the global ones).
        var hosts = spec.Hosts.Select(h => new HostSettings(h.Id, h.Address, h.Weight)).ToImmutableArray();
        return _configured.TryGetValue(spec.Id, out var configured)
            ? configured with { Method = spec.Method, Priority = spec.Priority, Hosts = hosts, Options = spec.Options }
            : new PoolSettings(spec.Id, spec.Method, spec.Priority, hosts, _service.RuntimeHealthCheck, _service.RuntimePassive) { Options = spec.Options };
    }

    private (IActorRef Checker, HostHealth Health) StartChecker(PoolSettings pool, HostSettings host, bool initial)
    {
        var health = initial || !pool.HealthCheck.Enabled ? HostHealth.Up : HostHealth.Down;
        // A replaced checker may still hold its name while stopping; a sequence number keeps names unique.
        var checker = Context.ActorOf(HealthCheckerActor.Props(_service.Name, pool, host, _probeClient, health), $"health-{pool.Id}-{host.Id}-{++_checkers}");
        return (checker, health);
    }

    private void OnHealthChanged(HostHealthChanged change)
    {
        if (!_pools.TryGetValue(change.PoolId, out var pool) || pool.Find(change.HostId) is not { } host
            || !host.Checker.Equals(Sender) || host.Health == change.Health)
        {
            return;
        }
        host.Health = change.Health;
        if (change.Health == HostHealth.Down)
        {
            _log.HostWentDown(change.ServiceName, change.PoolId, change.HostId, change.Health, change.Reason);
        }
        else
        {
            _log.HostCameUp(change.ServiceName, change.PoolId, change.HostId, change.Health, change.Reason);
        }
        var kind = change.Health == HostHealth.Up ? RegistryEvent.HostUp : RegistryEvent.HostDown;
        Context.System.EventStream.Publish(new RegistryEvent(kind, _node, change.ServiceName, change.PoolId, change.HostId, change.Reason, DateTimeOffset.UtcNow));
        Publish();
    }

    private void Publish()
    {
        var routes = _pools.Values
            .OrderBy(p => p.Settings.Priority)
            .ThenBy(p => p.Settings.Id, StringComparer.Ordinal)
            .Select(p => new PoolRoute(
                p.Settings.Id,
                p.Settings.Priority,
                p.Policy,
                p.Hosts.Where(h => h.InRotation).Select(h => h.Upstream).ToImmutableArray(),
                p.Hosts.Select(h => h.Upstream).ToImmutableArray()))
            .ToImmutableArray();
        var snapshot = new RoutingSnapshot(_service.Name, ++_version, routes);
        _handle.Publish(snapshot);

        var active = routes.FirstOrDefault(r => r.Healthy.Length > 0)?.Id;
        _log.SnapshotPublished(_service.Name, snapshot.Version, snapshot.HealthyHosts, snapshot.TotalHosts, active ?? "none");
        if (active is null)
        {
            _log.NoHealthyHost(_service.Name);
        }
    }

    private void ReplyStatus()
    {
        // Immutable captures only: the continuation runs outside this actor's turn.
        var replyTo = Sender;
        var service = _service;
        var pools = _pools.Values
            .OrderBy(p => p.Settings.Priority)
            .ThenBy(p => p.Settings.Id, StringComparer.Ordinal)
            .Select(p => (p.Settings, Hosts: p.Hosts.Select(h => (h.Upstream, h.Checker, h.Health)).ToList())).ToList();
        var asks = pools.SelectMany(p => p.Hosts.Select(h => AskHealthAsync(p.Settings.Id, h.Upstream.Id, h.Checker, h.Health))).ToList();
        Task.WhenAll(asks).ContinueWith(
            t =>
            {
                if (!t.IsCompletedSuccessfully)
                {
                    return (object)new Status.Failure(t.Exception?.GetBaseException() ?? new TaskCanceledException());
                }
                var reports = t.Result.ToDictionary(r => (r.PoolId, r.HostId));
                return ServiceStatusBuilder.Build(service, pools.Select(p => (p.Settings, p.Hosts.Select(h => (h.Upstream, reports[(p.Settings.Id, h.Upstream.Id)])).ToList())).ToList());
            },
            TaskScheduler.Default).PipeTo(replyTo);
    }

    /// <summary>
    /// The checker's report. A checker stopped after this status was started (the registry removed its host in the
    /// router's next message; the stop overtakes the question in its mailbox) never answers: its host is reported with
    /// the router's last known health instead of failing the whole status.
    /// </summary>
    private static async Task<HostHealthReport> AskHealthAsync(string poolId, string hostId, IActorRef checker, HostHealth known)
    {
        try
        {
            return await checker.Ask<HostHealthReport>(GetHostHealth.Instance, AskTimeout).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            return new HostHealthReport(poolId, hostId, known, null, 0);
        }
    }

    private sealed class PoolState(PoolSettings settings)
    {
        public PoolSettings Settings { get; private set; } = settings;

        public IBalancingPolicy Policy { get; private set; } = BalancingPolicies.For(settings);

        /// <summary>In the registry's order (by id).</summary>
        public List<HostState> Hosts { get; } = [];

        public HostState? Find(string hostId) => Hosts.Find(h => h.Spec.Id == hostId);

        /// <summary>Brings the hosts in line with <paramref name="specs"/>, starting and stopping checkers as needed.</summary>
        public void Apply(string service, PoolSettings settings, ImmutableArray<HostSpec> specs, Func<HostSettings, (IActorRef Checker, HostHealth Health)> startChecker, Action<IActorRef> stopChecker)
        {
            var before = Settings;
            Settings = settings;
            if (before.Method != settings.Method || before.HasUnequalWeights != settings.HasUnequalWeights)
            {
                Policy = BalancingPolicies.For(settings);
            }

            var wanted = specs.ToDictionary(s => s.Id, StringComparer.Ordinal);
            foreach (var removed in Hosts.Where(h => !wanted.ContainsKey(h.Spec.Id)).ToList())
            {
                stopChecker(removed.Checker);
                Hosts.Remove(removed);
            }
            var next = new List<HostState>(specs.Length);
            foreach (var spec in specs)
            {
                var host = new HostSettings(spec.Id, spec.Address, spec.Weight);
                var current = Find(spec.Id);
                if (current is not null && current.Spec.Address != spec.Address)
                {
                    // A new address is a new backend: its health is not the old one's.
                    stopChecker(current.Checker);
                    current = null;
                }
                if (current is null)
                {
                    var (checker, health) = startChecker(host);
                    current = new HostState(spec, new UpstreamHost(service, settings.Id, host, settings.Passive, new ActorOutcomeSink(checker)), checker) { Health = health };
                }
                else if (current.Spec.Weight != spec.Weight)
                {
                    current.Upstream = new UpstreamHost(service, settings.Id, host, settings.Passive, current.Upstream.Outcomes, current.Upstream.Counters);
                }
                current.Spec = spec;
                next.Add(current);
            }
            Hosts.Clear();
            Hosts.AddRange(next);
        }
    }

    private sealed class HostState(HostSpec spec, UpstreamHost upstream, IActorRef checker)
    {
        public HostSpec Spec { get; set; } = spec;

        public UpstreamHost Upstream { get; set; } = upstream;

        public IActorRef Checker { get; } = checker;

        public HostHealth Health { get; set; } = HostHealth.Up;

        public bool InRotation => Health == HostHealth.Up && Spec.State == HostAdminState.Up;
    }
}
