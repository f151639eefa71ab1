using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using ClusterLb.Balancing.ClusterLoad;
using ClusterLb.Balancing.Routing;
using ClusterLb.Runtime.ClusterLoad.Wire;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ClusterLb.Runtime.ClusterLoad;

/// <summary>
/// Shares this node's per-host load with the cluster and keeps every node's. Every
/// <see cref="ClusterLoadSettings.Interval"/> it reads this node's host counters, publishes them as a
/// <see cref="ClusterLoadReport"/> on the DistributedPubSub topic <see cref="Topic"/>, drops reports older than
/// <see cref="ClusterLoadSettings.StaleAfter"/>, and writes each host's cluster totals into its
/// <see cref="HostCounters"/> (<see cref="HostCounters.SetClusterLoad"/>), where the request path and the status
/// and metrics endpoints read them without asking anyone. Members that leave or are removed are dropped at once.
/// </summary>
public sealed class ClusterLoadActor : ReceiveActor, IWithTimers
{
    /// <summary>The actor's name under <c>/user</c>.</summary>
    public const string Name = "cluster-load";

    /// <summary>The DistributedPubSub topic of the reports.</summary>
    public const string Topic = "clusterlb-cluster-load";

    private const string TickTimer = "report";

    private readonly ClusterLoadSettings _settings;
    private readonly IReadOnlyDictionary<string, RouteHandle> _handles;
    private readonly ClusterLoadTable _table;
    private readonly IActorRef _mediator;
    private readonly AkkaCluster _cluster;
    private readonly string _self;
    private readonly long _started = Stopwatch.GetTimestamp();

    /// <summary>Creates the actor; Akka needs the constructor public.</summary>
    public ClusterLoadActor(ClusterLoadSettings settings, IReadOnlyDictionary<string, RouteHandle> handles)
    {
        _settings = settings;
        _handles = handles;
        _table = new ClusterLoadTable(settings.StaleAfter);
        _mediator = DistributedPubSub.Get(Context.System).Mediator;
        _cluster = AkkaCluster.Get(Context.System);
        _self = _cluster.SelfAddress.ToString();

        Receive<Tick>(_ => OnTick());
        Receive<ClusterLoadReport>(OnReport);
        Receive<ClusterEvent.IMemberEvent>(OnMemberEvent);
        Receive<ClusterEvent.CurrentClusterState>(_ => { });
        Receive<SubscribeAck>(_ => { });
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props of the actor (one per node).</summary>
    public static Props Props(ClusterLoadSettings settings, IReadOnlyDictionary<string, RouteHandle> handles) =>
        Akka.Actor.Props.Create(() => new ClusterLoadActor(settings, handles));

    /// <inheritdoc />
    protected override void PreStart()
    {
        _mediator.Tell(new Subscribe(Topic, Self), Self);
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.MemberLeft), typeof(ClusterEvent.MemberExited), typeof(ClusterEvent.MemberRemoved));
        Timers.StartPeriodicTimer(TickTimer, Tick.Instance, _settings.Interval);
    }

    /// <inheritdoc />
    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private TimeSpan Now => Stopwatch.GetElapsedTime(_started);

    private void OnTick()
    {
        var report = ClusterLoadReports.Read(_self, Environment.TickCount64, _handles.Values);
        _mediator.Tell(new Publish(Topic, report), Self);
        // Our own report goes straight into the table (its rates are ours); the copy the topic brings back is ignored.
        _table.Add(ClusterLoadReports.FromWire(report), Now);
        _table.DropStale(Now);
        WriteTotals();
    }

    private void OnReport(ClusterLoadReport report)
    {
        if (report.Node != _self)
        {
            _table.Add(ClusterLoadReports.FromWire(report), Now);
        }
    }

    private void OnMemberEvent(ClusterEvent.IMemberEvent e)
    {
        // Only Left, Exited and Removed are subscribed: a member on its way out stops counting at once.
        if (_table.Remove(e.Member.Address.ToString()))
        {
            WriteTotals();
        }
    }

    /// <summary>Every local host gets its totals; a host no fresh report names gets zeros.</summary>
    private void WriteTotals()
    {
        var totals = _table.Totals(_self);
        foreach (var handle in _handles.Values)
        {
            foreach (var pool in handle.Snapshot.Pools)
            {
                foreach (var host in pool.All)
                {
                    var load = totals.GetValueOrDefault(new HostLoadKey(handle.ServiceName, pool.Id, host.Id));
                    host.Counters.SetClusterLoad(load.RemoteInFlight, load.RequestsPerSecond, load.Nodes);
                }
            }
        }
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
