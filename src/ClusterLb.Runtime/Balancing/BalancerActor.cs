using System.Collections.Immutable;
using Akka.Actor;
using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Balancing.Reporting;
using ClusterLb.Runtime.Registry;

namespace ClusterLb.Runtime.Balancing;

/// <summary>
/// The root of the balancing actors (<c>/user/balancer</c>): starts one <see cref="RouterActor"/> per service and
/// the <see cref="RegistryFollowerActor"/> that follows the replicated registry, passes each service's pools from the
/// registry to its router, restarts a failing child, and answers status questions by asking every router.
/// </summary>
public sealed class BalancerActor : ReceiveActor
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(4);
    private readonly BalancingSettings _settings;
    private readonly IReadOnlyDictionary<string, RouteHandle> _handles;
    private readonly HealthProbeClients _probes;
    private readonly RegistryReplica? _replica;
    private readonly RegistrySettings _registry;
    private readonly Dictionary<string, IActorRef> _routers = new(StringComparer.Ordinal);
    private ImmutableDictionary<string, ImmutableArray<PoolSpec>>? _latest;

    /// <summary>
    /// Creates the balancer; <paramref name="handles"/> holds one handle per service name. Without
    /// <paramref name="replica"/> the registry lives in this actor system's distributed-data replicator.
    /// </summary>
    public BalancerActor(BalancingSettings settings, IReadOnlyDictionary<string, RouteHandle> handles, HealthProbeClients probes, RegistryReplica? replica = null, RegistrySettings? registry = null)
    {
        _settings = settings;
        _handles = handles;
        _probes = probes;
        _replica = replica;
        _registry = registry ?? new RegistrySettings();
        Receive<GetBalancerStatus>(_ => ReplyStatus());
        Receive<RegistryApplied>(OnRegistryApplied);
        Receive<RouterReady>(OnRouterReady);
    }

    /// <summary>Conventional name of the balancer under <c>/user</c>.</summary>
    public const string Name = "balancer";

    /// <summary>Props for the balancer.</summary>
    public static Props Props(BalancingSettings settings, IReadOnlyDictionary<string, RouteHandle> handles, HealthProbeClients probes, RegistryReplica? replica = null, RegistrySettings? registry = null) =>
        Akka.Actor.Props.Create(() => new BalancerActor(settings, handles, probes, replica, registry));

    /// <summary>Creates one handle per service, for the front end and the routers to share.</summary>
    public static IReadOnlyDictionary<string, RouteHandle> CreateHandles(BalancingSettings settings) =>
        settings.Services.ToDictionary(s => s.Name, s => new RouteHandle(s.Name, s.Retries), StringComparer.Ordinal);

    /// <inheritdoc />
    protected override void PreStart()
    {
        var replica = _replica ?? RegistryReplica.Of(Context.System);
        _routers.Clear();
        _latest = null;
        foreach (var service in _settings.Services)
        {
            _routers[service.Name] = Context.ActorOf(RouterActor.Props(service, _handles[service.Name], _probes, replica.Node), $"router-{service.Name}");
        }
        Context.ActorOf(RegistryFollowerActor.Props(_settings, replica, _registry), "registry");
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    private void OnRegistryApplied(RegistryApplied applied)
    {
        _latest = applied.Services;
        foreach (var service in applied.Changed)
        {
            if (_routers.TryGetValue(service, out var router) && applied.Services.TryGetValue(service, out var pools))
            {
                router.Tell(new ServicePools(service, pools), Self);
            }
        }
    }

    private void OnRouterReady(RouterReady ready)
    {
        if (_latest is not null && _latest.TryGetValue(ready.Service, out var pools))
        {
            Sender.Tell(new ServicePools(ready.Service, pools), Self);
        }
    }

    private void ReplyStatus()
    {
        var replyTo = Sender;
        var asks = _routers.Values.Select(r => r.Ask<ServiceStatus>(GetServiceStatus.Instance, AskTimeout)).ToList();
        Task.WhenAll(asks).PipeTo(replyTo, success: statuses => new BalancerStatus(statuses), failure: ex => new Status.Failure(ex));
    }
}
