using System.Collections.Immutable;
using ClusterLb.Actors;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Balancing.Reporting;

namespace ClusterLb.Balancing.Actors;

/// <summary>
/// Owns one service's routing state. Health changes arrive through the mailbox; each change that matters
/// publishes a new immutable <see cref="RoutingSnapshot"/> to the service's <see cref="RouteHandle"/>, where
/// request threads pick without asking this actor anything (Akka's routers likewise route on the sender's
/// thread). Supervises one <see cref="HealthCheckerActor"/> per host.
/// </summary>
public sealed class RouterActor : ReceiveActor
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);
    private readonly ServiceSettings _service;
    private readonly RouteHandle _handle;
    private readonly HttpMessageInvoker _probeClient;
    private readonly List<PoolState> _pools = [];
    private long _version;

    /// <summary>Creates the router for <paramref name="service"/>, publishing to <paramref name="handle"/>.</summary>
    public RouterActor(ServiceSettings service, RouteHandle handle, HttpMessageInvoker probeClient)
    {
        _service = service;
        _handle = handle;
        _probeClient = probeClient;
        Receive<HostHealthChanged>(OnHealthChanged);
        Receive<GetServiceStatus>(_ => ReplyStatus());
    }

    /// <summary>Props for a router.</summary>
    public static Props Props(ServiceSettings service, RouteHandle handle, HttpMessageInvoker probeClient) =>
        ClusterLb.Actors.Props.Create(() => new RouterActor(service, handle, probeClient));

    /// <inheritdoc />
    protected override void PreStart()
    {
        _pools.Clear();
        foreach (var pool in _service.Pools.OrderBy(p => p.Priority))
        {
            var hosts = new List<HostState>();
            foreach (var host in pool.Hosts)
            {
                var checker = Context.ActorOf(HealthCheckerActor.Props(_service.Name, pool, host, _probeClient), $"health-{pool.Id}-{host.Id}");
                var upstream = new UpstreamHost(_service.Name, pool.Id, host, pool.Passive, new ActorOutcomeSink(checker));
                hosts.Add(new HostState(upstream, checker));
            }
            _pools.Add(new PoolState(pool, BalancingPolicies.For(pool), hosts));
        }
        Publish();
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        // A checker that throws is restarted and re-announces its state; it never takes the router down.
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    private void OnHealthChanged(HostHealthChanged change)
    {
        var host = _pools.FirstOrDefault(p => p.Settings.Id == change.PoolId)?.Hosts.FirstOrDefault(h => h.Upstream.Id == change.HostId);
        if (host is null || host.Health == change.Health)
        {
            return;
        }
        host.Health = change.Health;
        if (change.Health == HostHealth.Down)
        {
            Context.Log.HostWentDown(change.ServiceName, change.PoolId, change.HostId, change.Health, change.Reason);
        }
        else
        {
            Context.Log.HostCameUp(change.ServiceName, change.PoolId, change.HostId, change.Health, change.Reason);
        }
        Publish();
    }

    private void Publish()
    {
        var routes = _pools.Select(p => new PoolRoute(
            p.Settings.Id,
            p.Settings.Priority,
            p.Policy,
            p.Hosts.Where(h => h.Health == HostHealth.Up).Select(h => h.Upstream).ToImmutableArray(),
            p.Hosts.Select(h => h.Upstream).ToImmutableArray())).ToImmutableArray();
        var snapshot = new RoutingSnapshot(_service.Name, ++_version, routes);
        _handle.Publish(snapshot);

        var active = routes.FirstOrDefault(r => r.Healthy.Length > 0)?.Id;
        Context.Log.SnapshotPublished(_service.Name, snapshot.Version, snapshot.HealthyHosts, snapshot.TotalHosts, active ?? "none");
        if (active is null)
        {
            Context.Log.NoHealthyHost(_service.Name);
        }
    }

    private void ReplyStatus()
    {
        // Immutable captures only: the continuation runs outside this actor's turn.
        var replyTo = Sender;
        var service = _service;
        var pools = _pools.Select(p => (p.Settings, Hosts: p.Hosts.Select(h => (h.Upstream, h.Checker)).ToList())).ToList();
        var asks = pools.SelectMany(p => p.Hosts).Select(h => h.Checker.Ask<HostHealthReport>(GetHostHealth.Instance, AskTimeout)).ToList();
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

    private sealed class PoolState(PoolSettings settings, IBalancingPolicy policy, List<HostState> hosts)
    {
        public PoolSettings Settings { get; } = settings;

        public IBalancingPolicy Policy { get; } = policy;

        public List<HostState> Hosts { get; } = hosts;
    }

    private sealed class HostState(UpstreamHost upstream, IActorRef checker)
    {
        public UpstreamHost Upstream { get; } = upstream;

        public IActorRef Checker { get; } = checker;

        public HostHealth Health { get; set; } = HostHealth.Up;
    }
}
