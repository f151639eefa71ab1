namespace ClusterLb.Actors;

/// <summary>A reference to an actor in this process; sending is a lock-free enqueue on its mailbox.</summary>
internal sealed class LocalActorRef : InternalActorRef
{
    internal LocalActorRef(ActorSystem system, ActorPath path)
    {
        System = system;
        Path = path;
    }

    public override ActorPath Path { get; }

    public override ActorSystem System { get; }

    internal ActorCell Cell { get; set; } = null!;

    public override bool IsTerminated => Cell.IsTerminated;

    public override void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        Cell.Mailbox.Post(message, sender);
    }

    public override void SendSystemMessage(SystemMessage message) => Cell.Mailbox.PostSystem(message);
}
