using System.Collections.Immutable;
using ClusterLb.Actors;
using ClusterLb.Cluster.Daemon;
using ClusterLb.Cluster.Events;
using ClusterLb.Cluster.Protocol;
using ClusterLb.Cluster.Wire;
using ClusterLb.Remote;

namespace ClusterLb.Cluster;

/// <summary>
/// The cluster extension of an actor system started with remoting (Akka's <c>Cluster(system)</c>): this node's
/// membership, joining, leaving, downing and event subscription. <see cref="Get"/> starts the daemon
/// <c>/system/cluster</c> on first use and, when <c>seed-nodes</c> are configured, joins through them.
/// </summary>
public sealed class Cluster
{
    private readonly object _gate = new();
    private readonly List<Action> _onMemberUp = [];
    private readonly List<Action> _onMemberRemoved = [];
    private readonly TaskCompletionSource _left = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile CurrentClusterState _state = new([], [], [], null, ImmutableSortedDictionary<string, UniqueAddress?>.Empty);
    private volatile Member _selfMember;
    private bool _upFired, _removedFired;
    private MembershipState? _lastSeen; // daemon thread only

    private Cluster(ActorSystem system, Remoting remoting, ClusterSettings settings)
    {
        System = system;
        Settings = settings;
        SelfUniqueAddress = remoting.SelfAddress.ToCluster();
        _selfMember = Member.Restore(SelfUniqueAddress, MemberStatus.Removed, settings.Roles, appVersion: settings.AppVersion);
        RunCoordinatedShutdownWhenDown = system.Settings.GetBool("clusterlb.cluster.run-coordinated-shutdown-when-down", true);
        remoting.Transport.Serializer.Register(ClusterWireReflection.Descriptor).Register(ClusterToolsReflection.Descriptor);
        Daemon = system.SystemActorOf(ClusterDaemon.Props(this, settings, remoting), "cluster");
        RegisterShutdownTasks(system.CoordinatedShutdown);
    }

    /// <summary>The cluster of <paramref name="system"/>; throws when the system was not started with remoting.</summary>
    public static Cluster Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.GetOrAddExtension(s =>
        {
            var remoting = Remoting.Get(s) ?? throw new InvalidOperationException(
                "The cluster needs remoting: start the node with Remoting.StartAsync (or ClusterNode.StartAsync).");
            return new Cluster(s, remoting, ClusterSettings.FromConfig(s.Settings));
        });
    }

    /// <summary>The actor system.</summary>
    public ActorSystem System { get; }
    /// <summary>Settings in effect (seed nodes as configured; <see cref="JoinSeedNodes"/> replaces them).</summary>
    public ClusterSettings Settings { get; }
    /// <summary>This incarnation.</summary>
    public UniqueAddress SelfUniqueAddress { get; }
    /// <summary>This node's address.</summary>
    public Address SelfAddress => SelfUniqueAddress.Address;
    /// <summary>This node as a member; status Removed before it joined and after it stopped.</summary>
    public Member SelfMember => _selfMember;
    /// <summary>The latest membership snapshot this node has.</summary>
    public CurrentClusterState State => _state;
    /// <summary>The daemon <c>/system/cluster</c>; Ask it <see cref="GetClusterStatus"/> for the status record.</summary>
    public IActorRef Daemon { get; }
    /// <summary>True once this node left, was downed or removed; it never rejoins (start a new system instead).</summary>
    public bool IsTerminated => _stopped.Task.IsCompleted;
    /// <summary>Completes when this node's cluster membership stopped.</summary>
    public Task WhenTerminated => _stopped.Task;
    internal bool RunCoordinatedShutdownWhenDown { get; }

    /// <summary>Joins the cluster the node at <paramref name="address"/> belongs to (itself: form a new cluster).</summary>
    public void Join(Address address) => Daemon.Tell(new JoinTo(address));

    /// <summary>Joins through seed nodes (same list, same order on every node); ignored once this node joined.</summary>
    public void JoinSeedNodes(IEnumerable<Address> seeds) => Daemon.Tell(new global::ClusterLb.Cluster.Daemon.JoinSeedNodes([.. seeds]));

    /// <summary>Makes the member at <paramref name="address"/> leave gracefully: Leaving → Exiting → Removed.</summary>
    public void Leave(Address address) => Daemon.Tell(new LeaveMember(address));

    /// <summary>Marks the member at <paramref name="address"/> Down; the leader removes it.</summary>
    public void Down(Address address) => Daemon.Tell(new DownMember(address));

    /// <summary>Sends cluster events of <paramref name="eventTypes"/> (default: all) to <paramref name="subscriber"/>.</summary>
    public void Subscribe(IActorRef subscriber, InitialStateMode initialStateMode, params Type[] eventTypes)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        foreach (var t in eventTypes)
            if (!typeof(ClusterEvent).IsAssignableFrom(t))
                throw new ArgumentException($"{t.Name} is not a cluster event type (ClusterEvent).", nameof(eventTypes));
        Daemon.Tell(new SubscribeEvents(subscriber, initialStateMode, [.. eventTypes]));
    }

    /// <summary>Stops all events to <paramref name="subscriber"/>, or only those of <paramref name="eventType"/>.</summary>
    public void Unsubscribe(IActorRef subscriber, Type? eventType = null) => Daemon.Tell(new UnsubscribeEvents(subscriber, eventType));

    /// <summary>Runs <paramref name="callback"/> once this node is Up (at once if it already is).</summary>
    public void RegisterOnMemberUp(Action callback) => Register(_onMemberUp, callback, () => _upFired);

    /// <summary>Runs <paramref name="callback"/> once this node was removed or stopped (at once if it already was).</summary>
    public void RegisterOnMemberRemoved(Action callback) => Register(_onMemberRemoved, callback, () => _removedFired);

    /// <summary>This node's status record (what <c>/cluster/status</c> shows).</summary>
    public Task<ClusterStatus> GetStatusAsync(TimeSpan timeout) => Daemon.Ask<ClusterStatus>(GetClusterStatus.Instance, timeout);

    private void Register(List<Action> list, Action callback, Func<bool> fired)
    {
        ArgumentNullException.ThrowIfNull(callback);
        lock (_gate)
        {
            if (!fired())
            {
                list.Add(callback);
                return;
            }
        }
        _ = Task.Run(callback);
    }

    /// <summary>Called by the daemon (its thread) after every step.</summary>
    internal void OnStateChanged(ClusterCore core)
    {
        // Most ticks change nothing; the state is immutable, so an unchanged reference means an unchanged snapshot.
        if (ReferenceEquals(core.State, _lastSeen)) return;
        _lastSeen = core.State;
        var self = core.State.SelfMember;
        if (self is not null) _selfMember = self;
        _state = core.CurrentClusterState;
        if (self is { Status: MemberStatus.Up or MemberStatus.WeaklyUp }) Fire(_onMemberUp, ref _upFired);
        if (self is { Status: MemberStatus.Exiting or MemberStatus.Down or MemberStatus.Removed }) _left.TrySetResult();
    }

    /// <summary>Called by the daemon when the core stopped (downed, left, removed) or the daemon stopped.</summary>
    internal void OnTerminated(ClusterCore core)
    {
        var self = core.State.SelfMember;
        _selfMember = Member.Restore(SelfUniqueAddress, MemberStatus.Removed, self?.Roles ?? Settings.Roles,
            self?.UpNumber ?? Member.NotUpYet, self?.AppVersion ?? Settings.AppVersion);
        _left.TrySetResult();
        _stopped.TrySetResult();
        Fire(_onMemberRemoved, ref _removedFired);
    }

    private void Fire(List<Action> list, ref bool fired)
    {
        Action[] run;
        lock (_gate)
        {
            if (fired) return;
            fired = true;
            run = [.. list];
            list.Clear();
        }
        foreach (var a in run) _ = Task.Run(a);
    }

    private void RegisterShutdownTasks(CoordinatedShutdown cs)
    {
        cs.AddTask(CoordinatedShutdown.PhaseClusterLeave, "leave", async ct =>
        {
            if (_selfMember.Status == MemberStatus.Removed || IsTerminated) return;
            Leave(SelfAddress);
            await Quietly(_left.Task.WaitAsync(ct)).ConfigureAwait(false);
        });
        cs.AddTask(CoordinatedShutdown.PhaseClusterExiting, "wait-removed", ct =>
            _selfMember.Status == MemberStatus.Removed && !_left.Task.IsCompleted ? Task.CompletedTask : Quietly(_stopped.Task.WaitAsync(ct)));
        cs.AddTask(CoordinatedShutdown.PhaseClusterShutdown, "stop-daemon", async ct =>
            await Daemon.GracefulStop(TimeSpan.FromSeconds(5)).ConfigureAwait(false));
    }

    private static async Task Quietly(Task task)
    {
        try { await task.ConfigureAwait(false); }
        catch (OperationCanceledException) { /* the phase timed out; shutdown goes on */ }
    }
}
