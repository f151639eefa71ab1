using System.Collections.Concurrent;
using ClusterLb.Actors;
using ClusterLb.Cluster.Events;

namespace ClusterLb.Cluster.Tests.MultiNode;

/// <summary>An actor that records the cluster events it is sent, for assertions from the test thread.</summary>
internal sealed class EventProbe : ActorBase
{
    private readonly ConcurrentQueue<ClusterEvent> _events;

    private EventProbe(ConcurrentQueue<ClusterEvent> events) => _events = events;

    public static (IActorRef Ref, ConcurrentQueue<ClusterEvent> Events) Start(ActorSystem system, string name)
    {
        var events = new ConcurrentQueue<ClusterEvent>();
        return (system.ActorOf(Props.Create(() => new EventProbe(events)), name), events);
    }

    protected override bool Receive(object message)
    {
        if (message is not ClusterEvent e) return false;
        _events.Enqueue(e);
        return true;
    }
}
