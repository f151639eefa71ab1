namespace ClusterLb.Actors;

/// <summary>
/// A handle to an actor, local or remote. The only way to talk to an actor is to send it a message.
/// </summary>
public interface IActorRef : IEquatable<IActorRef>
{
    /// <summary>The actor's path, including the per-incarnation <see cref="ActorPath.Uid"/>.</summary>
    ActorPath Path { get; }

    /// <summary>Enqueues <paramref name="message"/>; never blocks, never throws for a dead target.</summary>
    /// <param name="message">The message; should be an immutable record.</param>
    /// <param name="sender">The sender the receiver sees as <c>Sender</c>; null means no sender.</param>
    void Tell(object message, IActorRef? sender = null);
}
