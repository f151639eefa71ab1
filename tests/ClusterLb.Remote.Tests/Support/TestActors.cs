using System.Collections.Concurrent;
using ClusterLb.Actors;
using ClusterLb.Remote.Tests.Messages;

namespace ClusterLb.Remote.Tests.Support;

/// <summary>Records every Ping with its sender.</summary>
internal sealed class CollectorActor : ReceiveActor
{
    public CollectorActor(ConcurrentQueue<(Ping Ping, IActorRef Sender)> received)
        => Receive<Ping>(ping => received.Enqueue((ping, Sender)));
}

/// <summary>Answers every Ping with a Pong of the same sequence number.</summary>
internal sealed class EchoActor : ReceiveActor
{
    public EchoActor() => Receive<Ping>(ping => Sender.Tell(new Pong { Seq = ping.Seq, Text = "pong" }, Self));
}

/// <summary>Watches one actor and records the Terminated it gets.</summary>
internal sealed class WatcherActor : ReceiveActor
{
    private readonly IActorRef _target;

    public WatcherActor(IActorRef target, ConcurrentQueue<Terminated> terminated)
    {
        _target = target;
        Receive<Terminated>(terminated.Enqueue);
    }

    protected override void PreStart() => Context.Watch(_target);
}

/// <summary>Records every event of one type published on the event stream.</summary>
internal sealed class EventRecorder<T> : ReceiveActor
{
    public EventRecorder(ConcurrentQueue<T> events) => Receive<T>(events.Enqueue);
}
