using ClusterLb.Actors;
using ClusterLb.Balancing.Registry;
using ClusterLb.Cluster.Tools;
using ClusterLb.Node.Hosting.Wire;

namespace ClusterLb.Node.Hosting;

/// <summary>
/// Carries <see cref="RegistryEvent"/>s from the balancing actors to the admin listener's <c>/events</c> clients.
/// Subscribes to this node's event stream. Clustered, every local event is published to the DistributedPubSub
/// topic <see cref="RegistryEvent.Topic"/> and clients are fed only from the topic, which delivers every node's
/// events including this node's own: one path per event, so none arrives twice. Off-cluster, local events go to
/// the clients directly.
/// </summary>
internal sealed class AdminEventRelay : ActorBase
{
    /// <summary>The relay's name under <c>/user</c>.</summary>
    public const string Name = "admin-events";

    private readonly IActorRef? _mediator;
    private readonly HashSet<Sink> _sinks = [];

    private AdminEventRelay(IActorRef? mediator) => _mediator = mediator;

    /// <summary>Props of a relay publishing through <paramref name="mediator"/>, or local-only when it is null.</summary>
    public static Props Props(IActorRef? mediator) => Actors.Props.Create(() => new AdminEventRelay(mediator));

    /// <summary>Adds a client's sink; events from now on reach it.</summary>
    public sealed record AddSink(Sink Sink);

    /// <summary>Removes a client's sink.</summary>
    public sealed record RemoveSink(Sink Sink);

    /// <summary>One client's callback; compared by reference so the same delegate may be subscribed twice.</summary>
    public sealed class Sink(Action<RegistryEvent> deliver)
    {
        public Action<RegistryEvent> Deliver { get; } = deliver;
    }

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(RegistryEvent));
        // Sent before any publish of ours, so the mediator knows this subscriber before our first event reaches it.
        _mediator?.Tell(new Subscribe(RegistryEvent.Topic, Self), Self);
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case RegistryEvent local when _mediator is not null:
                _mediator.Tell(new Publish(RegistryEvent.Topic, RegistryEventEnvelopes.ToWire(local)), Self);
                return true;
            case RegistryEvent local:
                Deliver(local);
                return true;
            case RegistryEventEnvelope fromTopic:
                Deliver(RegistryEventEnvelopes.FromWire(fromTopic));
                return true;
            case AddSink add:
                _sinks.Add(add.Sink);
                return true;
            case RemoveSink remove:
                _sinks.Remove(remove.Sink);
                return true;
            case SubscribeAck:
                return true;
            default:
                return false;
        }
    }

    private void Deliver(RegistryEvent e)
    {
        foreach (var sink in _sinks)
        {
            // Sinks only enqueue into a bounded buffer; they neither block nor throw.
            sink.Deliver(e);
        }
    }
}
