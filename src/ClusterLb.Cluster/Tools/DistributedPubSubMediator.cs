using ClusterLb.Actors;
using ClusterLb.Cluster.Daemon;
using ClusterLb.Cluster.Events;
using ClusterLb.Cluster.Wire;
using ClusterLb.Remote;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Cluster.Tools;

/// <summary>
/// <c>/system/pubsub</c> on every node: keeps the local subscribers per topic and delivers published messages to
/// them; a publish is also forwarded once to the mediator of every other Up member, which delivers it to its own
/// subscribers. Unlike Akka's mediator it does not gossip the topic registry, so a publish goes to every member
/// whether or not it has subscribers: simple and correct, at the cost of traffic in very large clusters.
/// </summary>
internal sealed class DistributedPubSubMediator : ActorBase
{
    public const string Name = "pubsub";

    private readonly Dictionary<string, HashSet<IActorRef>> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<Address, IActorRef> _peers = [];
    private Cluster _cluster = null!;
    private Remoting _remoting = null!;

    protected override void PreStart()
    {
        _cluster = Cluster.Get(Context.System);
        _remoting = Remoting.Get(Context.System)!;
        _cluster.Subscribe(Self, InitialStateMode.InitialStateAsSnapshot, typeof(MemberEvent));
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case CurrentClusterState s:
                _peers.Clear();
                foreach (var m in s.Members) Track(m);
                return true;
            case MemberEvent e:
                Track(e.Member);
                return true;
            case Subscribe s:
                if (!_topics.TryGetValue(s.Topic, out var set)) _topics[s.Topic] = set = [];
                if (set.Add(s.Ref)) Context.Watch(s.Ref);
                Sender.Tell(new SubscribeAck(s), Self);
                return true;
            case Unsubscribe u:
                if (_topics.TryGetValue(u.Topic, out var subs) && subs.Remove(u.Ref) && subs.Count == 0) _topics.Remove(u.Topic);
                Sender.Tell(new UnsubscribeAck(u), Self);
                return true;
            case Publish p:
                PublishEverywhere(p);
                return true;
            case WirePublish w:
                Deliver(w);
                return true;
            case Terminated t:
                foreach (var (topic, refs) in _topics.ToList())
                    if (refs.Remove(t.ActorRef) && refs.Count == 0) _topics.Remove(topic);
                return true;
            default:
                return false;
        }
    }

    private void Track(Member m)
    {
        if (m.UniqueAddress.Equals(_cluster.SelfUniqueAddress)) return;
        if (m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving)
            _peers[m.Address] = _remoting.Resolve($"{m.Address}/system/{Name}");
        else
            _peers.Remove(m.Address);
    }

    private void PublishEverywhere(Publish p)
    {
        DeliverLocal(p.Topic, p.Message, Sender);
        if (_peers.Count == 0) return;
        if (p.Message is not IMessage proto)
        {
            Context.Log.LogError("Publish to topic {Topic}: {Type} is not a protobuf message; delivered on this node only", p.Topic, p.Message.GetType().Name);
            return;
        }
        var wire = new WirePublish { Topic = p.Topic, Manifest = proto.Descriptor.FullName, Data = proto.ToByteString() };
        foreach (var peer in _peers.Values) peer.Tell(wire, Sender);
    }

    private void Deliver(WirePublish w)
    {
        if (!_remoting.Transport.Serializer.TryDeserialize(new Remote.Wire.Payload { Manifest = w.Manifest, Data = w.Data }, out var message, out var error))
        {
            Context.Log.LogWarning("Dropping a publish to topic {Topic}: {Error}", w.Topic, error);
            return;
        }
        DeliverLocal(w.Topic, message, Sender);
    }

    private void DeliverLocal(string topic, object message, IActorRef sender)
    {
        if (!_topics.TryGetValue(topic, out var refs)) return;
        foreach (var r in refs) r.Tell(message, sender);
    }
}
