using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using ClusterLb.Backend;
using ClusterLb.Backend.Wire;
using ClusterLb.Balancing.Discovery;
using ClusterLb.Balancing.Settings;
using ClusterLb.Runtime.Logging;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Runtime.Discovery;

/// <summary>
/// The pool's hosts are the cluster members with the pool's role that announce an endpoint (the ClusterLb.Backend
/// contract). It follows membership: a member that is Up (or WeaklyUp) is asked for its endpoint and added once it answers; one
/// that leaves (or says it drains) is drained; one that is removed, or unreachable for longer than the grace period,
/// is dropped. The hosts are told to the parent (<see cref="PoolDiscoveryActor"/>) after every change and every second
/// (so the grace period runs out on time); the parent writes the registry when they differ from what it last wrote.
/// </summary>
public sealed class AkkaClusterDiscoveryActor : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);
    private readonly string _poolId;
    private readonly AkkaClusterDiscoverySettings _settings;
    private readonly ILogger _log;
    private readonly Dictionary<UniqueAddress, Backend> _backends = [];

    /// <summary>Use <see cref="Props"/>.</summary>
    public AkkaClusterDiscoveryActor(string poolId, AkkaClusterDiscoverySettings settings)
    {
        _poolId = poolId;
        _settings = settings;
        _log = Context.System.Logger<AkkaClusterDiscoveryActor>();
        Receive<ClusterEvent.MemberUp>(up => OnMember(up.Member));
        Receive<ClusterEvent.MemberWeaklyUp>(weaklyUp => OnMember(weaklyUp.Member));
        Receive<ClusterEvent.MemberLeft>(left => OnMember(left.Member));
        Receive<ClusterEvent.MemberExited>(exited => OnMember(exited.Member));
        Receive<ClusterEvent.MemberDowned>(downed => Drop(downed.Member.UniqueAddress));
        Receive<ClusterEvent.MemberRemoved>(removed => Drop(removed.Member.UniqueAddress));
        Receive<ClusterEvent.UnreachableMember>(u => Reachability(u.Member, reachable: false));
        Receive<ClusterEvent.ReachableMember>(r => Reachability(r.Member, reachable: true));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<EndpointAnswer>(OnAnswer);
        Receive<EndpointMissing>(missing =>
        {
            if (_backends.TryGetValue(missing.Member, out var backend))
            {
                backend.Asking = false;
            }
        });
        Receive<BackendEndpoint>(OnDrainRequest);
        Receive<Tick>(_ => OnTick());
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of the source of <paramref name="poolId"/>.</summary>
    public static Props Props(string poolId, AkkaClusterDiscoverySettings settings) =>
        Akka.Actor.Props.Create(() => new AkkaClusterDiscoveryActor(poolId, settings));

    /// <inheritdoc />
    protected override void PreStart()
    {
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
        Timers.StartPeriodicTimer("tick", Tick.Instance, TickInterval);
    }

    /// <inheritdoc />
    protected override void PostStop() => Cluster.Get(Context.System).Unsubscribe(Self);

    private void OnMember(Member member)
    {
        if (!member.HasRole(_settings.Role))
        {
            return;
        }
        if (!_backends.TryGetValue(member.UniqueAddress, out var backend))
        {
            _backends[member.UniqueAddress] = backend = new Backend(member.UniqueAddress);
        }
        backend.Status = member.Status;
        if (IsServing(member.Status) && backend.Endpoint is null)
        {
            Ask(backend);
        }
        Report();
    }

    // WeaklyUp too: a member joins WeaklyUp while another member is unreachable (a killed backend not downed yet),
    // and a backend that answers is worth routing to before the cluster converges again.
    private static bool IsServing(MemberStatus status) => status is MemberStatus.Up or MemberStatus.WeaklyUp;

    private void Drop(UniqueAddress member)
    {
        if (_backends.Remove(member))
        {
            Report();
        }
    }

    private void Reachability(Member member, bool reachable)
    {
        if (_backends.TryGetValue(member.UniqueAddress, out var backend))
        {
            backend.UnreachableSince = reachable ? null : DateTime.UtcNow;
            Report();
        }
    }

    private void Ask(Backend backend)
    {
        backend.Asking = true;
        var member = backend.Member;
        Context.ActorSelection(new RootActorPath(member.Address) / "user" / BackendContract.EndpointActorName)
            .Ask<BackendEndpoint>(new GetBackendEndpoint(), AskTimeout)
            .PipeTo(Self, success: e => new EndpointAnswer(member, e), failure: _ => new EndpointMissing(member));
    }

    private void OnAnswer(EndpointAnswer answer)
    {
        if (!_backends.TryGetValue(answer.Member, out var backend))
        {
            return;
        }
        backend.Asking = false;
        if (!Uri.TryCreate(answer.Endpoint.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            _log.BackendEndpointRefused(_poolId, answer.Member.Address.ToString(), answer.Endpoint.Url);
            return;
        }
        backend.Endpoint = new DiscoveredHost(url, answer.Endpoint.Weight is >= 1 and <= HostSettings.MaxWeight ? answer.Endpoint.Weight : _settings.Weight);
        backend.Draining |= answer.Endpoint.Draining;
        Report();
    }

    // A backend starting to shut down (ClusterLbBackend's CoordinatedShutdown task), through the singleton.
    private void OnDrainRequest(BackendEndpoint endpoint)
    {
        var backend = _backends.Values.FirstOrDefault(b => b.Member.Address.Equals(Sender.Path.Address));
        if (backend is null || !endpoint.Draining)
        {
            return;
        }
        backend.Draining = true;
        Report();
        Sender.Tell(new BackendDrainAck());
    }

    private void OnTick()
    {
        foreach (var backend in _backends.Values.Where(b => b.Endpoint is null && !b.Asking && IsServing(b.Status)))
        {
            Ask(backend);
        }
        Report();
    }

    private void Report()
    {
        var now = DateTime.UtcNow;
        var hosts = _backends.Values
            .Where(b => b.Endpoint is not null && !(b.UnreachableSince is { } since && now - since >= _settings.UnreachableGrace))
            .Select(b => b.Endpoint! with { Draining = b.Draining || b.Status is MemberStatus.Leaving or MemberStatus.Exiting })
            .ToImmutableArray();
        // The parent writes only a set that differs from the last one it wrote.
        Context.Parent.Tell(new HostsDiscovered(hosts));
    }

    private sealed class Backend(UniqueAddress member)
    {
        public UniqueAddress Member { get; } = member;

        public MemberStatus Status { get; set; }

        public DiscoveredHost? Endpoint { get; set; }

        public bool Draining { get; set; }

        public bool Asking { get; set; }

        public DateTime? UnreachableSince { get; set; }
    }

    private sealed record EndpointAnswer(UniqueAddress Member, BackendEndpoint Endpoint);

    private sealed record EndpointMissing(UniqueAddress Member);

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
