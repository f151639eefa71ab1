using ClusterLb.Actors;
using ClusterLb.Cluster;
using ClusterLb.Cluster.Daemon;
using ClusterLb.Cluster.Events;
using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Replication;
using ClusterLb.Remote;
using UniqueAddress = ClusterLb.Cluster.UniqueAddress;

namespace ClusterLb.DistributedData.Membership;

/// <summary>
/// Feeds the cluster's membership to the local replicator: a member that is (or was) Up becomes a
/// <see cref="ReplicaJoined"/> with a remote ref to its <c>/system/ddataReplicator</c>, a removed member a
/// <see cref="ReplicaRemoved"/>, and reachability changes pass through. Members already up when the adapter
/// subscribes are announced too (the subscription replays the current state as events).
/// </summary>
internal sealed class ClusterMembershipAdapter : ActorBase
{
    private readonly ClusterLb.Cluster.Cluster _cluster;
    private readonly Remoting _remoting;
    private readonly IActorRef _replicator;
    private readonly string _replicatorPath;
    private readonly HashSet<UniqueAddress> _joined = new();
    private readonly HashSet<UniqueAddress> _unreachable = new();

    private ClusterMembershipAdapter(ClusterLb.Cluster.Cluster cluster, Remoting remoting, IActorRef replicator)
    {
        _cluster = cluster;
        _remoting = remoting;
        _replicator = replicator;
        _replicatorPath = "/" + string.Join("/", replicator.Path.Elements);
    }

    public static Props Props(ClusterLb.Cluster.Cluster cluster, Remoting remoting, IActorRef replicator) =>
        ClusterLb.Actors.Props.Create(() => new ClusterMembershipAdapter(cluster, remoting, replicator));

    /// <summary>The replica id of a cluster incarnation: the address string and uid, as every node computes it.</summary>
    public static ReplicaId ReplicaOf(UniqueAddress node) => new(node.Address.ToString(), node.Uid);

    protected override void PreStart() =>
        _cluster.Subscribe(Self, InitialStateMode.InitialStateAsEvents, typeof(MemberEvent), typeof(ReachabilityEvent));

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case MemberRemoved removed:
                _unreachable.Remove(removed.Member.UniqueAddress);
                if (_joined.Remove(removed.Member.UniqueAddress))
                {
                    _replicator.Tell(new ReplicaRemoved(ReplicaOf(removed.Member.UniqueAddress)));
                }

                return true;
            // A member seen first as Leaving or Exiting (state replayed at subscribe time) was Up before and may hold data.
            case MemberUp or MemberLeft or MemberExited:
                Join(((MemberEvent)message).Member);
                return true;
            case MemberEvent:
                return true;
            case UnreachableMember unreachable:
                if (_unreachable.Add(unreachable.Member.UniqueAddress) && _joined.Contains(unreachable.Member.UniqueAddress))
                {
                    _replicator.Tell(new ReplicaUnreachable(ReplicaOf(unreachable.Member.UniqueAddress)));
                }

                return true;
            case ReachableMember reachable:
                if (_unreachable.Remove(reachable.Member.UniqueAddress) && _joined.Contains(reachable.Member.UniqueAddress))
                {
                    _replicator.Tell(new ReplicaReachable(ReplicaOf(reachable.Member.UniqueAddress)));
                }

                return true;
            case ReachabilityEvent:
                return true;
            default:
                return false;
        }
    }

    private void Join(Member member)
    {
        if (member.UniqueAddress.Equals(_cluster.SelfUniqueAddress) || !_joined.Add(member.UniqueAddress))
        {
            return;
        }

        var peer = _remoting.Resolve(member.Address + _replicatorPath);
        _replicator.Tell(new ReplicaJoined(ReplicaOf(member.UniqueAddress), peer));
        if (_unreachable.Contains(member.UniqueAddress))
        {
            _replicator.Tell(new ReplicaUnreachable(ReplicaOf(member.UniqueAddress)));
        }
    }
}
