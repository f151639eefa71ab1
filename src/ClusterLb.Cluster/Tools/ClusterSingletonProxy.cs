using ClusterLb.Actors;
using ClusterLb.Cluster.Daemon;
using ClusterLb.Cluster.Events;
using ClusterLb.Remote;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Cluster.Tools;

/// <summary>
/// Forwards messages (keeping the sender) to the singleton on the oldest Up member, wherever it is, through that
/// member's manager (which buffers until its singleton exists). While there is
/// none, or the oldest is handing over, messages are buffered (up to <c>bufferSize</c>; beyond it they are dropped
/// and logged). Messages crossing nodes must be protobuf messages registered on every node.
/// </summary>
public sealed class ClusterSingletonProxy : ActorBase
{
    private readonly string _managerPath;
    private readonly OldestMemberTracker _tracker;
    private readonly PendingMessages _pending;
    private Cluster _cluster = null!;
    private IActorRef? _target;

    private ClusterSingletonProxy(string managerPath, string? role, int bufferSize)
    {
        _managerPath = managerPath;
        _tracker = new OldestMemberTracker(role);
        _pending = new PendingMessages(bufferSize, "Singleton proxy");
    }

    /// <summary>Props of a proxy to the singleton managed at <paramref name="managerPath"/> (e.g. <c>/user/counter</c>) on every node.</summary>
    public static Props Props(string managerPath, string? role = null, int bufferSize = 1000)
    {
        if (string.IsNullOrWhiteSpace(managerPath) || !managerPath.StartsWith('/'))
            throw new ArgumentException($"Manager path '{managerPath}' must be an absolute actor path such as /user/counter.", nameof(managerPath));
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 0);
        return Actors.Props.Create(() => new ClusterSingletonProxy(managerPath.TrimEnd('/'), role, bufferSize));
    }

    protected override void PreStart()
    {
        _cluster = Cluster.Get(Context.System);
        _cluster.Subscribe(Self, InitialStateMode.InitialStateAsSnapshot, typeof(MemberEvent));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    protected override bool Receive(object message)
    {
        if (_tracker.Apply(message))
        {
            var oldest = _tracker.Oldest;
            _target = oldest is { Status: MemberStatus.Up }
                ? Remoting.Get(Context.System)!.Resolve($"{oldest.Address}{_managerPath}")
                : null;
            if (_target is not null) _pending.FlushTo(_target);
            return true;
        }
        if (_target is not null)
        {
            _target.Tell(message, Sender);
        }
        else
        {
            _pending.Hold(message, Sender, Context);
        }
        return true;
    }
}
