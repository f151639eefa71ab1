using System.Collections.Immutable;
using ClusterLb.Actors;
using ClusterLb.Cluster.Events;
using ClusterLb.Cluster.Protocol;
using ClusterLb.Cluster.Wire;
using ClusterLb.Remote;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Cluster.Daemon;

/// <summary>
/// <c>/system/cluster</c>: hosts this node's <see cref="ClusterCore"/> and connects it to the world. Wire messages from
/// peers' daemons go in, the core's outbound messages go out over remote refs to <c>/system/cluster</c> on the peers,
/// and its events go to subscribers. It runs on a dedicated thread (see <see cref="Props"/>): heartbeats, failure
/// detection and SBR live in the core, and a GC pause or a starved thread pool must not delay them.
/// </summary>
internal sealed class ClusterDaemon : ActorBase
{
    private readonly Cluster _cluster;
    private readonly Remoting _remoting;
    private readonly ILogger _log;
    private readonly Dictionary<Address, IActorRef> _peers = [];
    private readonly List<SubscribeEvents> _subscribers = [];
    private ClusterSettings _settings;
    private ClusterCore _core;
    private bool _started;
    private bool _terminated;

    public ClusterDaemon(Cluster cluster, ClusterSettings settings, Remoting remoting)
    {
        _cluster = cluster;
        _settings = settings;
        _remoting = remoting;
        _log = remoting.System.LoggerFactory.CreateLogger("ClusterLb.Cluster.ClusterDaemon");
        _core = NewCore(settings);
    }

    /// <summary>The props: a dedicated thread, so heartbeats are independent of the thread pool.</summary>
    public static Props Props(Cluster cluster, ClusterSettings settings, Remoting remoting) =>
        Actors.Props.Create(() => new ClusterDaemon(cluster, settings, remoting)).WithDedicatedThread();

    /// <summary>How often the core is ticked: a quarter of the shortest protocol interval, between 10 and 100 ms.</summary>
    internal static TimeSpan TickInterval(ClusterSettings s)
    {
        var shortest = new[] { s.GossipInterval, s.LeaderActionsInterval, s.UnreachableNodesReaperInterval, s.FailureDetector.HeartbeatInterval }.Min();
        return TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromMilliseconds(100).Ticks));
    }

    protected override void PreStart()
    {
        Context.Timers.StartPeriodicTimer("tick", DaemonTick.Instance, TickInterval(_settings));
        if (!_settings.SeedNodes.IsEmpty) StartCore();
        _cluster.OnStateChanged(_core);
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case DaemonTick:
                if (_started) Apply(_core.Tick());
                return true;
            case IMessage wire:
                ReceiveWire(wire);
                return true;
            case JoinSeedNodes j:
                if (_started && _core.IsInitialized) return true;
                _settings = _settings with { SeedNodes = j.Seeds };
                _core = NewCore(_settings);
                _started = false;
                StartCore();
                return true;
            case JoinTo j:
                if (!_started) StartCore();
                Apply(_core.JoinTo(j.Address.Normalize()));
                return true;
            case LeaveMember l:
                Apply(_core.Leave(l.Address.Normalize()));
                return true;
            case DownMember d:
                Apply(_core.Down(d.Address.Normalize()));
                return true;
            case SubscribeEvents s:
                Subscribe(s);
                return true;
            case UnsubscribeEvents u:
                Unsubscribe(u);
                return true;
            case Terminated t:
                _subscribers.RemoveAll(x => x.Subscriber.Equals(t.ActorRef));
                return true;
            case GetClusterStatus:
                Sender.Tell(ClusterStatusBuilder.Build(_core), Self);
                return true;
            default:
                return false;
        }
    }

    private ClusterCore NewCore(ClusterSettings settings) =>
        new(_remoting.SelfAddress.ToCluster(), settings, TimeProvider.System, new Random(), _log);

    private void StartCore()
    {
        _started = true;
        Apply(_core.Start());
    }

    private void ReceiveWire(IMessage wire)
    {
        IClusterMessage? message;
        try
        {
            switch (wire)
            {
                case WireLeave l:
                    Apply(_core.Leave(Address.Parse(l.Address).Normalize()));
                    return;
                case WireDown d:
                    Apply(_core.Down(Address.Parse(d.Address).Normalize()));
                    return;
            }
            message = ClusterMessageCodec.Decode(wire);
        }
        catch (Exception e) when (e is WireFormatException or FormatException or ArgumentException)
        {
            _log.LogWarning("Dropping malformed cluster message {Type} from {Sender}: {Reason}", wire.Descriptor.Name, Sender.Path, e.Message);
            return;
        }
        if (message is null)
        {
            _log.LogWarning("Dropping unexpected message {Type} from {Sender}", wire.Descriptor.Name, Sender.Path);
            return;
        }
        if (!_started) return; // not joining anything yet: ignore InitJoin and friends, as an unstarted Akka node would
        Apply(_core.Receive(message));
    }

    private void Apply(CoreEffects effects)
    {
        foreach (var send in effects.Messages) SendTo(send.To, send.Message);
        foreach (var e in effects.Events)
        {
            if (e is MemberRemoved removed && !removed.Member.UniqueAddress.Equals(_core.Self)) OnRemoved(removed.Member);
            Publish(e);
        }
        _cluster.OnStateChanged(_core);
        if (effects.Terminated && !_terminated) OnTerminated(effects.TerminationReason);
    }

    private void SendTo(Address to, IClusterMessage message)
    {
        if (!_peers.TryGetValue(to, out var peer))
        {
            peer = _remoting.Resolve($"{to}/system/cluster");
            _peers[to] = peer;
        }
        peer.Tell(ClusterMessageCodec.Encode(message), Self);
    }

    // A removed incarnation never comes back: quarantine it so its connections and system messages go, and its
    // watchers get Terminated. A new incarnation at the same address is a different uid and stays unaffected.
    private void OnRemoved(Member member)
    {
        var node = member.Address.ToNode();
        _remoting.Quarantine(node, member.UniqueAddress.Uid, "removed from the cluster");
        if (_core.State.LatestGossip.MemberAt(member.Address) is null)
        {
            _remoting.Watcher.AddressTerminated(node);
            _peers.Remove(member.Address);
        }
    }

    private void OnTerminated(string? reason)
    {
        _terminated = true;
        var self = _core.State.SelfMember;
        _log.LogWarning("Cluster node {Self} stopped: {Reason}", _core.Self, reason);
        if (self is not null && self.Status != MemberStatus.Removed)
            Publish(new MemberRemoved(Member.Restore(self.UniqueAddress, MemberStatus.Removed, self.Roles, self.UpNumber, self.AppVersion), self.Status));
        _cluster.OnTerminated(_core);
        if (_cluster.RunCoordinatedShutdownWhenDown)
        {
            var why = self?.Status == MemberStatus.Down ? CoordinatedShutdownReason.ClusterDowning : CoordinatedShutdownReason.ClusterLeaving;
            _ = Context.System.CoordinatedShutdown.Run(why);
        }
    }

    private void Publish(ClusterEvent e)
    {
        foreach (var s in _subscribers)
            if (Wants(s, e)) s.Subscriber.Tell(e, Self);
        Context.System.EventStream.Publish(e);
    }

    private static bool Wants(SubscribeEvents s, ClusterEvent e)
    {
        foreach (var t in s.EventTypes)
            if (t.IsInstanceOfType(e)) return true;
        return false;
    }

    private void Subscribe(SubscribeEvents s)
    {
        var types = s.EventTypes.IsDefaultOrEmpty ? [typeof(ClusterEvent)] : s.EventTypes;
        var sub = s with { EventTypes = types };
        if (s.Mode == InitialStateMode.InitialStateAsSnapshot)
            s.Subscriber.Tell(_core.CurrentClusterState, Self);
        else
            foreach (var e in ClusterEventDiff.Diff(new MembershipState(Gossip.Empty, _core.Self), _core.State))
                if (Wants(sub, e)) s.Subscriber.Tell(e, Self);
        _subscribers.RemoveAll(x => x.Subscriber.Equals(s.Subscriber));
        _subscribers.Add(sub);
        Context.Watch(s.Subscriber);
    }

    private void Unsubscribe(UnsubscribeEvents u)
    {
        for (var i = _subscribers.Count - 1; i >= 0; i--)
        {
            var s = _subscribers[i];
            if (!s.Subscriber.Equals(u.Subscriber)) continue;
            var left = u.EventType is null ? [] : s.EventTypes.Remove(u.EventType);
            if (left.IsEmpty) _subscribers.RemoveAt(i);
            else _subscribers[i] = s with { EventTypes = left };
        }
    }

    protected override void PostStop()
    {
        _cluster.OnTerminated(_core);
        base.PostStop();
    }
}
