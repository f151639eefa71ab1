namespace ClusterLb.Actors;

/// <summary>What a path resolves to when nothing lives there: behaves like an actor that already stopped.</summary>
internal sealed class MissingActorRef(ActorSystem system, ActorPath path) : InternalActorRef
{
    public override ActorPath Path { get; } = path;

    public override ActorSystem System { get; } = system;

    public override bool IsTerminated => true;

    public override void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message is Identify identify)
        {
            sender?.Tell(new ActorIdentity(identify.MessageId, null), this);
            return;
        }

        System.DeadLetterOffice.Publish(new DeadLetter(message, sender ?? System.DeadLetters, this));
    }

    public override void SendSystemMessage(SystemMessage message)
    {
        if (message is Watch watch && watch.Watcher is InternalActorRef watcher)
        {
            watcher.SendSystemMessage(new DeathWatchNotification(this, ExistenceConfirmed: false, AddressTerminated: false));
        }
    }
}
