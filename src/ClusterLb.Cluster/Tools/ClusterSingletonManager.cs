using ClusterLb.Actors;
using ClusterLb.Cluster.Daemon;
using ClusterLb.Cluster.Events;
using ClusterLb.Cluster.Wire;
using ClusterLb.Remote;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Cluster.Tools;

/// <summary>
/// Runs on every node (same name everywhere, e.g. <c>/user/counter</c>) and keeps the singleton child
/// (<c>singleton</c>) alive on the oldest Up member only, handing it over with Akka's handshake so two never run at
/// once during a graceful leave:
/// <list type="number">
/// <item>The oldest stops its singleton as soon as its node is Leaving (or when asked, whichever comes first).</item>
/// <item>Once the leaving oldest is Exiting, the next oldest sends it HandOverToMe (repeated every
/// <c>hand-over-retry-interval</c>); the old one answers HandOverInProgress while its singleton is stopping and
/// HandOverDone once it has stopped.</item>
/// <item>The new oldest starts the singleton on HandOverDone, or when the previous oldest is removed: at once if it
/// left, after <c>down-removal-margin</c> if it was downed (it may still be running on the other side of a partition
/// until it notices).</item>
/// </list>
/// Other messages are forwarded to the singleton, keeping the sender. Proxies address the manager rather than the
/// child, because the manager exists from node start while the child appears only once this node is the oldest;
/// the manager holds messages until then. What a handing-over manager still holds goes to its successor's manager.
/// </summary>
public sealed class ClusterSingletonManager : ActorBase
{
    /// <summary>The singleton child's name.</summary>
    public const string SingletonName = "singleton";

    private const string RetryTimer = "hand-over-retry";
    private const string MarginTimer = "down-removal-margin";

    private readonly Props _singletonProps;
    private readonly OldestMemberTracker _tracker;
    private readonly PendingMessages _pending = new(1000, "Singleton manager");
    private readonly List<IActorRef> _awaitingDone = [];
    private Cluster _cluster = null!;
    private ClusterSingletonSettings _settings = null!;
    private IActorRef? _singleton;
    private bool _stopping;
    private IActorRef? _successor; // set once this node handed the singleton over: it never hosts it again
    private UniqueAddress? _lastOldest;
    private UniqueAddress? _previousOldest; // the member this node is taking over from, while it does

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
        _settings = ClusterSingletonSettings.FromConfig(Context.System.Settings, _cluster.Settings);
        _cluster.Subscribe(Self, InitialStateMode.InitialStateAsSnapshot, typeof(MemberEvent));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case SingletonHandOverToMe:
                OnHandOverToMe();
                return true;
            case SingletonHandOverInProgress:
                if (IsFromPreviousOldest()) Context.Log.LogDebug("Hand-over from {Previous} in progress", _previousOldest);
                return true;
            case SingletonHandOverDone:
                if (IsFromPreviousOldest()) TakeOver("the previous oldest handed over");
                return true;
            case HandOverRetry:
                RetryHandOver();
                return true;
            case MarginElapsed m:
                if (m.Node.Equals(_previousOldest)) TakeOver("down-removal-margin elapsed");
                return true;
            case Terminated t when t.ActorRef.Equals(_singleton):
                OnSingletonStopped();
                return true;
        }
        if (message is MemberRemoved removed && removed.Member.UniqueAddress.Equals(_previousOldest))
            OnPreviousOldestRemoved(removed.PreviousStatus);
        if (_tracker.Apply(message))
        {
            Evaluate();
            return true;
        }
        Forward(message);
        return true;
    }

    private void Forward(object message)
    {
        if (_singleton is not null && !_stopping) _singleton.Tell(message, Sender);
        else if (_successor is not null && _singleton is null) _successor.Tell(message, Sender);
        else _pending.Hold(message, Sender, Context);
    }

    private void Evaluate()
    {
        var self = _cluster.SelfUniqueAddress;
        var oldest = _tracker.Oldest;
        if (!Equals(oldest?.UniqueAddress, _lastOldest))
        {
            var previous = _lastOldest;
            _lastOldest = oldest?.UniqueAddress;
            if (self.Equals(_lastOldest) && previous is not null && !previous.Equals(self) && _singleton is null && _successor is null)
                BeginTakeOver(previous);
        }

        var hostHere = oldest is { Status: MemberStatus.Up } && oldest.UniqueAddress.Equals(self);
        if (!hostHere)
        {
            CancelTakeOver();
            StopSingleton("no longer the oldest Up member");
        }
        else if (_singleton is null && _previousOldest is null && _successor is null)
        {
            Context.Log.LogInformation("Oldest member: starting singleton {Path}", Self.Path.Child(SingletonName));
            _singleton = Context.ActorOf(_singletonProps, SingletonName);
            Context.Watch(_singleton);
            _pending.FlushTo(_singleton);
        }
    }

    private void BeginTakeOver(UniqueAddress previous)
    {
        _previousOldest = previous;
        Context.Log.LogInformation("Oldest member now: asking the previous oldest {Previous} to hand the singleton over", previous);
        SendHandOverToMe();
        Context.Timers.StartPeriodicTimer(RetryTimer, HandOverRetry.Instance, _settings.HandOverRetryInterval);
    }

    private void RetryHandOver()
    {
        if (_previousOldest is null) return;
        // A removal this node missed (it was already gone from a later snapshot) counts as one whose reason is unknown.
        if (!_cluster.State.Members.Any(m => m.UniqueAddress.Equals(_previousOldest)) && !Context.Timers.IsTimerActive(MarginTimer))
        {
            OnPreviousOldestRemoved(MemberStatus.Down);
            return;
        }
        SendHandOverToMe();
    }

    private void SendHandOverToMe()
    {
        var path = $"{_previousOldest!.Address}/{string.Join('/', Self.Path.Elements)}";
        Remoting.Get(Context.System)!.Resolve(path).Tell(new SingletonHandOverToMe(), Self);
    }

    private void OnPreviousOldestRemoved(MemberStatus previousStatus)
    {
        if (previousStatus is MemberStatus.Exiting or MemberStatus.Leaving || _settings.DownRemovalMargin <= TimeSpan.Zero)
        {
            TakeOver($"the previous oldest was removed ({previousStatus})");
            return;
        }
        Context.Log.LogInformation("Previous oldest {Previous} was removed after being {Status}: starting the singleton after down-removal-margin {Margin}",
            _previousOldest, previousStatus, _settings.DownRemovalMargin);
        Context.Timers.Cancel(RetryTimer);
        Context.Timers.StartSingleTimer(MarginTimer, new MarginElapsed(_previousOldest!), _settings.DownRemovalMargin);
    }

    private void TakeOver(string reason)
    {
        Context.Log.LogInformation("Taking the singleton over from {Previous}: {Reason}", _previousOldest, reason);
        CancelTakeOver();
        Evaluate();
    }

    private void CancelTakeOver()
    {
        if (_previousOldest is null) return;
        _previousOldest = null;
        Context.Timers.Cancel(RetryTimer);
        Context.Timers.Cancel(MarginTimer);
    }

    private void OnHandOverToMe()
    {
        var requester = Sender;
        // Someone else is the oldest now: this node gives the singleton up for good (it is leaving or was downed).
        _successor = requester;
        CancelTakeOver();
        if (_singleton is null)
        {
            requester.Tell(new SingletonHandOverDone(), Self);
            _pending.FlushTo(requester);
            return;
        }
        _awaitingDone.Add(requester);
        requester.Tell(new SingletonHandOverInProgress(), Self);
        StopSingleton($"hand-over requested by {requester.Path.Address}");
    }

    private void StopSingleton(string reason)
    {
        if (_singleton is null || _stopping) return;
        Context.Log.LogInformation("Stopping singleton {Path}: {Reason}", _singleton.Path, reason);
        _stopping = true;
        Context.Stop(_singleton);
    }

    private void OnSingletonStopped()
    {
        _singleton = null;
        _stopping = false;
        foreach (var requester in _awaitingDone) requester.Tell(new SingletonHandOverDone(), Self);
        _awaitingDone.Clear();
        if (_successor is not null) _pending.FlushTo(_successor);
        Evaluate();
    }

    private bool IsFromPreviousOldest() =>
        _previousOldest is not null && Sender.Path.Address.ToNodeAddress()?.ToCluster() == _previousOldest.Address;

    private sealed record HandOverRetry
    {
        public static readonly HandOverRetry Instance = new();
    }

    private sealed record MarginElapsed(UniqueAddress Node);
}
