using ClusterLb.Actors;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Balancing.Reporting;

namespace ClusterLb.Balancing.Actors;

/// <summary>
/// The root of the balancing actors (<c>/user/balancer</c>): starts one <see cref="RouterActor"/> per service,
/// restarts a failing router, and answers status questions by asking every router.
/// </summary>
public sealed class BalancerActor : ReceiveActor
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(4);
    private readonly BalancingSettings _settings;
    private readonly IReadOnlyDictionary<string, RouteHandle> _handles;
    private readonly HttpMessageInvoker _probeClient;
    private readonly List<IActorRef> _routers = [];

    /// <summary>Creates the balancer; <paramref name="handles"/> holds one handle per service name.</summary>
    public BalancerActor(BalancingSettings settings, IReadOnlyDictionary<string, RouteHandle> handles, HttpMessageInvoker probeClient)
    {
        _settings = settings;
        _handles = handles;
        _probeClient = probeClient;
        Receive<GetBalancerStatus>(_ => ReplyStatus());
    }

    /// <summary>Conventional name of the balancer under <c>/user</c>.</summary>
    public const string Name = "balancer";

    /// <summary>Props for the balancer.</summary>
    public static Props Props(BalancingSettings settings, IReadOnlyDictionary<string, RouteHandle> handles, HttpMessageInvoker probeClient) =>
        ClusterLb.Actors.Props.Create(() => new BalancerActor(settings, handles, probeClient));

    /// <summary>Creates one handle per service, for the front end and the routers to share.</summary>
    public static IReadOnlyDictionary<string, RouteHandle> CreateHandles(BalancingSettings settings) =>
        settings.Services.ToDictionary(s => s.Name, s => new RouteHandle(s.Name), StringComparer.Ordinal);

    /// <inheritdoc />
    protected override void PreStart()
    {
        _routers.Clear();
        foreach (var service in _settings.Services)
        {
            _routers.Add(Context.ActorOf(RouterActor.Props(service, _handles[service.Name], _probeClient), $"router-{service.Name}"));
        }
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    private void ReplyStatus()
    {
        var replyTo = Sender;
        var asks = _routers.Select(r => r.Ask<ServiceStatus>(GetServiceStatus.Instance, AskTimeout)).ToList();
        Task.WhenAll(asks).PipeTo(replyTo, success: statuses => new BalancerStatus(statuses), failure: ex => new Status.Failure(ex));
    }
}
