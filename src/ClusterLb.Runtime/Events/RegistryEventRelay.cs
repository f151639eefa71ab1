using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using ClusterLb.Balancing.Registry;
using ClusterLb.Runtime.Events.Wire;

namespace ClusterLb.Runtime.Events;

/// <summary>
/// Carries <see cref="RegistryEvent"/>s from the balancing actors to the admin listener's <c>/events</c> clients.
/// Every event this node's actors publish on its event stream goes to the DistributedPubSub topic
/// <see cref="RegistryEvent.Topic"/>, and clients are fed only from the topic, which delivers every node's events
/// including this node's own: one path per event, so none arrives twice.
/// </summary>
public sealed class RegistryEventRelay : ReceiveActor
{
    /// <summary>The relay's name under <c>/user</c>.</summary>
    public const string Name = "registry-events";

    private readonly IActorRef _mediator;
    private readonly HashSet<Sink> _sinks = [];

    /// <summary>Creates the relay; Akka needs the constructor public.</summary>
    public RegistryEventRelay()
    {
        _mediator = DistributedPubSub.Get(Context.System).Mediator;
        Receive<RegistryEvent>(local => _mediator.Tell(new Publish(RegistryEvent.Topic, RegistryEventEnvelopes.ToWire(local)), Self));
        Receive<RegistryEventEnvelope>(fromTopic => Deliver(RegistryEventEnvelopes.FromWire(fromTopic)));
        Receive<AddSink>(add => _sinks.Add(add.Sink));
        Receive<RemoveSink>(remove => _sinks.Remove(remove.Sink));
        Receive<SubscribeAck>(_ => { });
    }

    /// <summary>Props of the relay (one per node).</summary>
    public static Props Props() => Akka.Actor.Props.Create(() => new RegistryEventRelay());

    /// <summary>Adds a client's sink; events from now on reach it.</summary>
    public sealed record AddSink(Sink Sink);

    /// <summary>Removes a client's sink.</summary>
    public sealed record RemoveSink(Sink Sink);

    /// <summary>One client's callback; compared by reference so the same delegate may be subscribed twice.</summary>
    public sealed class Sink(Action<RegistryEvent> deliver)
    {
        /// <summary>Hands one event to the client; must neither block nor throw.</summary>
        public Action<RegistryEvent> Deliver { get; } = deliver;
    }

    /// <inheritdoc />
    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(RegistryEvent));
        // Sent before any publish of ours, so the mediator knows this subscriber before our first event reaches it.
        _mediator.Tell(new Subscribe(RegistryEvent.Topic, Self), Self);
    }

    /// <inheritdoc />
    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    private void Deliver(RegistryEvent e)
    {
        foreach (var sink in _sinks)
        {
            // Sinks only enqueue into a bounded buffer; they neither block nor throw.
            sink.Deliver(e);
        }
    }
}
