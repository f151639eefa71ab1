using ClusterLb.Actors;
using ClusterLb.Cluster.Daemon;
using ClusterLb.Cluster.Events;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Cluster.Tools;

/// <summary>
/// Runs on every node (same name everywhere, e.g. <c>/user/counter</c>) and keeps the singleton child
/// (<c>singleton</c>) alive on the oldest Up member only. When the oldest leaves it stops its singleton as soon as it
/// is Leaving; the next oldest starts it once the previous one is Exiting, so two never run at once in a healthy
/// cluster. (Akka's explicit HandOverToMe/HandOverDone exchange is not implemented; the leave states order it.)
/// Other messages are forwarded to the singleton, keeping the sender; proxies address the manager rather than the
/// child, because the manager exists from node start while the child appears only once this node knows it is the
/// oldest, and a message sent to the child path before that would be lost.
/// </summary>
public sealed class ClusterSingletonManager : ActorBase
{
    /// <summary>The singleton child's name.</summary>
    public const string SingletonName = "singleton";

    private readonly Props _singletonProps;
    private readonly OldestMemberTracker _tracker;
    private Cluster _cluster = null!;
    private readonly PendingMessages _pending = new(1000, "Singleton manager");
    private IActorRef? _singleton;

    private ClusterSingletonManager(Props singletonProps, string? role)
    {
        _singletonProps = singletonProps;
        _tracker = new OldestMemberTracker(role);
    }

    /// <summary>Props of a manager for the singleton created from <paramref name="singletonProps"/>, among members with <paramref name="role"/>.</summary>
    public static Props Props(Props singletonProps, string? role = null)
    {
        ArgumentNullException.ThrowIfNull(singletonProps);
        return Actors.Props.Create(() => new ClusterSingletonManager(singletonProps, role));
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
            Evaluate();
            return true;
        }
        if (message is Terminated t && t.ActorRef.Equals(_singleton))
        {
            _singleton = null;
            Evaluate();
            return true;
        }
        Forward(message);
        return true;
    }

    private void Forward(object message)
    {
        if (_singleton is not null)
        {
            _singleton.Tell(message, Sender);
        }
        else
        {
            _pending.Hold(message, Sender, Context);
        }
    }

    private void Evaluate()
    {
        var oldest = _tracker.Oldest;
        var hostHere = oldest is { Status: MemberStatus.Up } && oldest.UniqueAddress.Equals(_cluster.SelfUniqueAddress)
            && _cluster.SelfMember.Status == MemberStatus.Up;
        if (hostHere && _singleton is null)
        {
            Context.Log.LogInformation("Oldest member: starting singleton {Path}", Self.Path.Child(SingletonName));
            _singleton = Context.ActorOf(_singletonProps, SingletonName);
            Context.Watch(_singleton);
            _pending.FlushTo(_singleton);
        }
        else if (!hostHere && _singleton is not null)
        {
            Context.Log.LogInformation("No longer the oldest Up member: stopping singleton {Path} for hand-over", _singleton.Path);
            Context.Unwatch(_singleton);
            Context.Stop(_singleton);
            _singleton = null;
        }
    }
}
