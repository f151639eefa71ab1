using System.Collections.Immutable;
using ClusterLb.Cluster.Events;
using ClusterLb.Cluster.FailureDetection;
using ClusterLb.Cluster.Join;
using ClusterLb.Cluster.Sbr;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterLb.Cluster.Protocol;

/// <summary>What one step of the core produced: messages to send, events to publish, and whether it stopped.</summary>
public sealed record CoreEffects(ImmutableList<Send> Messages, ImmutableList<ClusterEvent> Events, bool Terminated, string? TerminationReason);

/// <summary>
/// One node's membership protocol (Akka's ClusterCoreDaemon) as a deterministic state machine: messages and time
/// ticks go in, messages and events come out. No sockets, threads or actors inside; time comes from the injected
/// <see cref="TimeProvider"/> and randomness from the injected <see cref="Random"/>, so a test can run many nodes on
/// a virtual clock. The actor that hosts it owns it; it is not thread-safe.
/// </summary>
public sealed partial class ClusterCore
{
    private readonly ClusterSettings _settings;
    private readonly TimeProvider _time;
    private readonly Random _random;
    private readonly ILogger _log;
    private readonly SeedJoinProcess _join;
    private readonly SplitBrainResolver _sbr;
    private readonly ImmutableList<Send>.Builder _outbox = ImmutableList.CreateBuilder<Send>();
    private MembershipState _published;
    private ImmutableHashSet<UniqueAddress> _exitingConfirmed = [];
    private TimeSpan _nextGossip, _nextLeaderActions, _nextReaper, _nextHeartbeat;
    private int _leaderActionCounter;
    private int _selfDownCounter;
    private int _selfExitingCounter;
    private bool _started;

    /// <summary>Creates the core for <paramref name="self"/>; call <see cref="Start"/> to begin joining.</summary>
    public ClusterCore(UniqueAddress self, ClusterSettings settings, TimeProvider time, Random random, ILogger? logger = null)
    {
        _settings = (settings ?? throw new ArgumentNullException(nameof(settings))).Validate();
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _random = random ?? throw new ArgumentNullException(nameof(random));
        _log = logger ?? NullLogger.Instance;
        State = new MembershipState(Gossip.Empty, self);
        _published = State;
        _join = new SeedJoinProcess(self.Address, settings.SeedNodes, settings.SeedNodeTimeout, settings.RetryUnsuccessfulJoinAfter);
        _sbr = new SplitBrainResolver(settings.SplitBrainResolver);
        FailureDetector = new FailureDetectorRegistry<UniqueAddress>(
            () => new PhiAccrualFailureDetector(settings.FailureDetector, time));
    }

    /// <summary>This node.</summary>
    public UniqueAddress Self => State.SelfUniqueAddress;
    /// <summary>The node's current view.</summary>
    public MembershipState State { get; private set; }
    /// <summary>Per-neighbour failure detectors.</summary>
    public FailureDetectorRegistry<UniqueAddress> FailureDetector { get; }
    /// <summary>Where the seed join stands.</summary>
    public SeedJoinPhase JoinPhase => _join.Phase;
    /// <summary>True once this node is in the gossip (welcomed or self-joined).</summary>
    public bool IsInitialized => State.SelfMember is not null;
    /// <summary>True once the node stopped (downed, left, or removed).</summary>
    public bool IsTerminated { get; private set; }
    /// <summary>Why it stopped.</summary>
    public string? TerminationReason { get; private set; }
    /// <summary>Exiting members that confirmed their exit.</summary>
    public IReadOnlySet<UniqueAddress> ExitingConfirmedNodes => _exitingConfirmed;
    /// <summary>Convergence as this node sees it.</summary>
    public bool Convergence => State.Convergence(_exitingConfirmed);
    /// <summary>The snapshot a new subscriber gets.</summary>
    public CurrentClusterState CurrentClusterState => CurrentClusterState.From(State);

    private TimeSpan Now => TimeSpan.FromTicks((long)(_time.GetTimestamp() * (double)TimeSpan.TicksPerSecond / _time.TimestampFrequency));
    private long NowUnixMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Starts the seed join from <see cref="ClusterSettings.SeedNodes"/> and the periodic tasks.</summary>
    public CoreEffects Start()
    {
        if (_started) return Flush();
        _started = true;
        var now = Now;
        _nextGossip = now + _settings.GossipInterval;
        _nextLeaderActions = now + _settings.LeaderActionsInterval;
        _nextReaper = now + _settings.UnreachableNodesReaperInterval;
        _nextHeartbeat = now;
        Execute(_join.Start(now));
        return Flush();
    }

    /// <summary>Joins the cluster that <paramref name="address"/> belongs to (instead of seed nodes).</summary>
    public CoreEffects JoinTo(Address address)
    {
        if (!IsTerminated && !IsInitialized) Execute(_join.JoinTo(address, Now));
        return Flush();
    }

    /// <summary>Runs whatever periodic task is due. Call it often (e.g. every 100 ms); it is cheap when nothing is due.</summary>
    public CoreEffects Tick()
    {
        if (IsTerminated || !_started) return Flush();
        var now = Now;
        if (!IsInitialized) Execute(_join.Tick(now));
        if (now >= _nextHeartbeat)
        {
            _nextHeartbeat = now + _settings.FailureDetector.HeartbeatInterval;
            HeartbeatTick(now);
        }
        if (now >= _nextReaper)
        {
            _nextReaper = now + _settings.UnreachableNodesReaperInterval;
            ReapUnreachableMembers();
        }
        if (now >= _nextGossip)
        {
            GossipTick();
            // Akka's speed-up: while a member is Down or fewer than half have seen our state, gossip three times as often.
            _nextGossip = now + (IsGossipSpeedupNeeded ? _settings.GossipInterval / 3 : _settings.GossipInterval);
        }
        if (now >= _nextLeaderActions)
        {
            _nextLeaderActions = now + _settings.LeaderActionsInterval;
            LeaderTick(now);
        }
        return Flush();
    }

    /// <summary>Handles one message from another node.</summary>
    public CoreEffects Receive(IClusterMessage message)
    {
        if (IsTerminated) return Flush();
        switch (message)
        {
            case GossipEnvelope g: ReceiveGossip(g); break;
            case GossipStatus s: ReceiveGossipStatus(s); break;
            case Heartbeat h: Post(h.From.Address, new HeartbeatRsp(Self, h.SequenceNr, h.CreationTimeMs)); break;
            case HeartbeatRsp r: ReceiveHeartbeatRsp(r); break;
            case InitJoin i:
                Post(i.From.Address, JoinHandler.ShouldAckInitJoin(State) ? new InitJoinAck(Self) : new InitJoinNack(Self));
                break;
            case InitJoinAck a: if (!IsInitialized) Execute(_join.OnInitJoinAck(a.From.Address, Now)); break;
            case InitJoinNack n: if (!IsInitialized) Execute(_join.OnInitJoinNack(n.From.Address, Now)); break;
            case Protocol.Join j: ReceiveJoin(j); break;
            case Welcome w: ReceiveWelcome(w); break;
            case ExitingConfirmed e:
                if (State.LatestGossip.HasMember(e.Node)) _exitingConfirmed = _exitingConfirmed.Add(e.Node);
                break;
            default:
                throw new ArgumentException($"Unknown cluster message {message.GetType().Name}.", nameof(message));
        }
        return Flush();
    }

    /// <summary>Asks the member at <paramref name="address"/> to leave gracefully (Leaving → Exiting → Removed).</summary>
    public CoreEffects Leave(Address address)
    {
        var m = State.LatestGossip.MemberAt(address);
        if (!IsTerminated && m is { Status: MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up })
        {
            _log.LogInformation("Marking {Member} as Leaving", m.UniqueAddress);
            UpdateGossip(State.LatestGossip.Update([m.Copy(MemberStatus.Leaving)]));
        }
        return Flush();
    }

    /// <summary>Marks the member at <paramref name="address"/> Down; the leader then removes it.</summary>
    public CoreEffects Down(Address address)
    {
        var m = State.LatestGossip.MemberAt(address);
        if (!IsTerminated && m is not null) DownMember(m, "operator");
        return Flush();
    }

    private void DownMember(Member m, string by)
    {
        if (m.Status is MemberStatus.Down or MemberStatus.Removed) return;
        _log.LogWarning("Marking {Member} as Down ({By})", m.UniqueAddress, by);
        ClusterMetrics.MembersDowned.Add(1, new KeyValuePair<string, object?>("by", by));
        var g = State.LatestGossip.Update([m.Copy(MemberStatus.Down)]);
        UpdateGossip(g);
    }

    private void ReceiveJoin(Protocol.Join join)
    {
        if (!IsInitialized) return;
        var result = JoinHandler.HandleJoin(State, join.Node, join.Roles, join.AppVersion);
        _log.LogInformation("Join from {Node}: {Outcome} ({Reason})", join.Node, result.Outcome, result.Reason);
        switch (result.Outcome)
        {
            case JoinOutcome.Welcomed:
                SetGossip(result.Gossip);
                Post(join.Node.Address, new Welcome(Self, State.LatestGossip));
                break;
            case JoinOutcome.AlreadyMember:
                Post(join.Node.Address, new Welcome(Self, State.LatestGossip));
                break;
            case JoinOutcome.OldIncarnationDowned:
                SetGossip(result.Gossip);
                break;
        }
    }

    private void ReceiveWelcome(Welcome welcome)
    {
        if (IsInitialized || !welcome.Gossip.HasMember(Self) || !_join.OnWelcome(welcome.From.Address)) return;
        _log.LogInformation("Welcome from {From}", welcome.From);
        SetGossip(welcome.Gossip.Seen(Self));
        if (!welcome.From.Equals(Self)) SendGossipTo(welcome.From);
    }

    private void Execute(IReadOnlyList<JoinCommand> commands)
    {
        foreach (var c in commands)
        {
            switch (c)
            {
                case SendInitJoin i: Post(i.To, new InitJoin(Self)); break;
                case SendJoin j: Post(j.To, new Protocol.Join(Self, _settings.Roles, _settings.AppVersion)); break;
                case JoinSelf:
                    _log.LogInformation("Forming a new cluster with {Self} as first member", Self);
                    var g = Gossip.Create([Member.Create(Self, _settings.Roles, _settings.AppVersion)]);
                    SetGossip(g.Increment(Self).OnlySeen(Self));
                    break;
            }
        }
    }

    /// <summary>A local change: new version, seen only by self.</summary>
    private void UpdateGossip(Gossip gossip) => SetGossip(gossip.Increment(Self).OnlySeen(Self));

    private void SetGossip(Gossip gossip) => State = State.WithGossip(gossip);

    private void Post(Address to, IClusterMessage message) => _outbox.Add(new Send(to, message));

    private void Terminate(string reason)
    {
        if (IsTerminated) return;
        _log.LogWarning("{Self} shutting down: {Reason}", Self, reason);
        IsTerminated = true;
        TerminationReason = reason;
    }

    private CoreEffects Flush()
    {
        var events = ClusterEventDiff.Diff(_published, State);
        _published = State;
        var messages = _outbox.ToImmutable();
        _outbox.Clear();
        return new CoreEffects(messages, events, IsTerminated, TerminationReason);
    }
}
