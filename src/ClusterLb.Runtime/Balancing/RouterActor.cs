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
public sealed class RouterActor : ReceiveActor, IWithTimers
{
    private const string SlowStartTimer = "slow-start";
    private const string AffinitySweepTimer = "affinity-sweep";
    private static readonly TimeSpan AffinitySweepInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);
    private readonly ServiceSettings _service;
    private readonly RouteHandle _handle;
    private readonly HealthProbeClients _probes;
    private readonly string _node;
    private readonly Dictionary<string, PoolSettings> _configured;
    private readonly Dictionary<string, PoolState> _pools = new(StringComparer.Ordinal);
    private long _version;
    private long _checkers;
    private bool _loaded;
    private readonly ILogger _log;

    /// <summary>Creates the router for <paramref name="service"/>, publishing to <paramref name="handle"/>.</summary>
    public RouterActor(ServiceSettings service, RouteHandle handle, HealthProbeClients probes, string node)
    {
        _service = service;
        _handle = handle;
        _probes = probes;
        _node = node;
        _log = Context.System.Logger<RouterActor>();
        _configured = service.Pools.ToDictionary(p => p.Id, StringComparer.Ordinal);
        Receive<ServicePools>(OnPools);
        Receive<HostHealthChanged>(OnHealthChanged);
        Receive<GetServiceStatus>(_ => ReplyStatus());
        Receive<SlowStartTick>(_ => OnSlowStartTick());
        Receive<SweepClientAffinity>(_ => SweepAffinity());
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for a router.</summary>
    public static Props Props(ServiceSettings service, RouteHandle handle, HealthProbeClients probes, string node) =>
        Akka.Actor.Props.Create(() => new RouterActor(service, handle, probes, node));

    /// <inheritdoc />
    protected override void PreStart()
    {
        _pools.Clear();
        _loaded = false;
        // A restarted router asks for the pools it held; a new one gets them when the registry is loaded.
        Context.Parent.Tell(new RouterReady(_service.Name), Self);
        Timers.StartPeriodicTimer(AffinitySweepTimer, SweepClientAffinity.Instance, AffinitySweepInterval);
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
        var checker = Context.ActorOf(HealthCheckerActor.Props(_service.Name, pool, host, _probes.For(pool.Connection.Tls), health), $"health-{pool.Id}-{host.Id}-{++_checkers}");
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
        if (change.Health == HostHealth.Up && pool.Settings.Options.SlowStart > TimeSpan.Zero && pool.Settings.Method.HonoursSlowStart())
        {
            host.RampStartedAt = Now;
            Timers.StartPeriodicTimer(SlowStartTimer, SlowStartTick.Instance, SlowStart.TickInterval(pool.Settings.Options.SlowStart));
        }
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

    private TimeSpan Now => Context.System.Scheduler.MonotonicClock;

    private void OnSlowStartTick()
    {
        var now = Now;
        var ramping = false;
        foreach (var pool in _pools.Values)
        {
            foreach (var host in pool.Hosts.Where(h => h.RampStartedAt is not null))
            {
                if (!pool.RampsSlowly || now - host.RampStartedAt >= pool.Settings.Options.SlowStart)
                {
                    host.RampStartedAt = null;
                }
                else
                {
                    ramping = true;
                }
            }
        }
        if (!ramping)
        {
            Timers.Cancel(SlowStartTimer);
        }
        Publish();
    }

    private void SweepAffinity()
    {
        var now = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var pool in _pools.Values)
        {
            pool.ClientAffinity?.Sweep(now);
        }
    }

    private void Publish()
    {
        var now = Now;
        var ordered = _pools.Values
            .OrderBy(p => p.Settings.Priority)
            .ThenBy(p => p.Settings.Id, StringComparer.Ordinal)
            .ToList();
        var anyHealthy = ordered.Any(p => p.Hosts.Any(h => h.InRotation));
        var routes = ordered.Select(p => p.Route(now, anyHealthy)).ToImmutableArray();
        var snapshot = new RoutingSnapshot(_service.Name, ++_version, routes);
        _handle.Publish(snapshot);

        var active = snapshot.Active?.Id;
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
        var published = _handle.Snapshot.Pools.ToDictionary(p => p.Id, p => p.Panic, StringComparer.Ordinal);
        var now = Now;
        var pools = _pools.Values
            .OrderBy(p => p.Settings.Priority)
            .ThenBy(p => p.Settings.Id, StringComparer.Ordinal)
            .Select(p => (p.Settings, Panic: published.GetValueOrDefault(p.Settings.Id), Hosts: p.Hosts.Select(h => (h.Upstream, h.Spec, h.Checker, h.Health, Ramp: p.RampPercent(h, now))).ToList())).ToList();
        var asks = pools.SelectMany(p => p.Hosts.Select(h => AskHealthAsync(p.Settings.Id, h.Upstream.Id, h.Checker, h.Health))).ToList();
        Task.WhenAll(asks).ContinueWith(
            t =>
            {
                if (!t.IsCompletedSuccessfully)
                {
                    return (object)new Status.Failure(t.Exception?.GetBaseException() ?? new TaskCanceledException());
                }
                var reports = t.Result.ToDictionary(r => (r.PoolId, r.HostId));
                return ServiceStatusBuilder.Build(service, pools.Select(p => (p.Settings, p.Panic, p.Hosts.Select(h => (h.Upstream, h.Spec, reports[(p.Settings.Id, h.Upstream.Id)], h.Ramp)).ToList())).ToList());
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

        public ClientAffinityTable? ClientAffinity { get; private set; } = AffinityTableFor(settings);

        /// <summary>First placement of a client under client-IP affinity: consistent hashing, alike on every node.</summary>
        public IBalancingPolicy ClientPlacement { get; } = new MaglevHashPolicy();

        public bool RampsSlowly => Settings.Options.SlowStart > TimeSpan.Zero && Settings.Method.HonoursSlowStart();

        /// <summary>The ramped share of a host's weight in percent, null when it is not ramping.</summary>
        public int? RampPercent(HostState host, TimeSpan now) =>
            RampsSlowly && host.RampStartedAt is { } started ? SlowStart.Step(now - started, Settings.Options.SlowStart) * 100 / SlowStart.Steps : null;

        /// <summary>
        /// This pool's part of a snapshot: hosts in rotation (in panic mode every host the operator has not taken
        /// out), with ramped weights while a host slow-starts.
        /// </summary>
        public PoolRoute Route(TimeSpan now, bool serviceHasHealthy)
        {
            var eligible = Hosts.Where(h => h.Spec.State == HostAdminState.Up).ToList();
            var healthy = eligible.Where(h => h.InRotation).ToList();
            var threshold = Settings.Options.PanicThreshold;
            // A pool with no healthy host panics only when no pool can serve; otherwise the next pool takes over.
            var panic = threshold > 0 && eligible.Count > 0 && healthy.Count * 100 < threshold * eligible.Count
                && (healthy.Count > 0 || !serviceHasHealthy);
            var routable = panic ? eligible : healthy;
            var ramping = RampsSlowly && routable.Any(h => h.RampStartedAt is not null);
            var upstreams = routable.Select(h => ramping ? Ramped(h, now) : h.Upstream).ToImmutableArray();
            return new PoolRoute(Settings.Id, Settings.Priority, Policy, upstreams, [.. Hosts.Select(h => h.Upstream)])
            {
                Method = Settings.Method,
                Options = Settings.Options,
                Panic = panic,
                ClientAffinity = ClientAffinity,
                ClientPlacement = ClientPlacement,
            };
        }

        private UpstreamHost Ramped(HostState host, TimeSpan now)
        {
            var step = host.RampStartedAt is { } started ? SlowStart.Step(now - started, Settings.Options.SlowStart) : SlowStart.Steps;
            var u = host.Upstream;
            var weighted = new HostSettings(u.Id, u.Address, u.Weight * step);
            return new UpstreamHost(u.ServiceName, u.PoolId, weighted, u.Passive, u.Outcomes, u.Counters);
        }

        private static ClientAffinityTable? AffinityTableFor(PoolSettings settings) =>
            settings.Options.Affinity.Mode == AffinityMode.ClientIp ? new ClientAffinityTable(settings.Options.Affinity.ClientIpTimeout) : null;

        /// <summary>In the registry's order (by id).</summary>
        public List<HostState> Hosts { get; } = [];

        public HostState? Find(string hostId) => Hosts.Find(h => h.Spec.Id == hostId);

        /// <summary>Brings the hosts in line with <paramref name="specs"/>, starting and stopping checkers as needed.</summary>
        public void Apply(string service, PoolSettings settings, ImmutableArray<HostSpec> specs, Func<HostSettings, (IActorRef Checker, HostHealth Health)> startChecker, Action<IActorRef> stopChecker)
        {
            var before = Settings;
            Settings = settings;
            if (before.Method != settings.Method || before.HasUnequalWeights != settings.HasUnequalWeights
                || before.Options.HashBalanceFactor != settings.Options.HashBalanceFactor
                || before.Options.LoadScope != settings.Options.LoadScope)
            {
                Policy = BalancingPolicies.For(settings);
            }
            if (before.Options.Affinity != settings.Options.Affinity)
            {
                ClientAffinity = AffinityTableFor(settings);
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

        /// <summary>When the host came up into a slow start (the system's monotonic clock); null when not ramping.</summary>
        public TimeSpan? RampStartedAt { get; set; }
    }
}
