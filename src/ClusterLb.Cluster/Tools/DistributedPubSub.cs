using ClusterLb.Actors;

namespace ClusterLb.Cluster.Tools;

/// <summary>Cluster-wide publish-subscribe by topic (Akka's DistributedPubSub): tell <see cref="Mediator"/> <see cref="Subscribe"/>, <see cref="Publish"/>.</summary>
public sealed class DistributedPubSub
{
    private DistributedPubSub(ActorSystem system)
    {
        _ = Cluster.Get(system); // the cluster must exist before the mediator subscribes to it
        Mediator = system.SystemActorOf(Props.Create(() => new DistributedPubSubMediator()), DistributedPubSubMediator.Name);
    }

    /// <summary>The pub-sub of <paramref name="system"/> (started on first use; the same on every node).</summary>
    public static DistributedPubSub Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.GetOrAddExtension(s => new DistributedPubSub(s));
    }

    /// <summary>The local mediator, <c>/system/pubsub</c>.</summary>
    public IActorRef Mediator { get; }
}
