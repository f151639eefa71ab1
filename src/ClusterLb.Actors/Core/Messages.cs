namespace ClusterLb.Actors;

/// <summary>Delivered to a watcher when an actor it watches has stopped.</summary>
/// <param name="ActorRef">The actor that stopped.</param>
/// <param name="ExistenceConfirmed">False when the actor was already gone (or never existed) at watch time.</param>
/// <param name="AddressTerminated">True when the stop was inferred from losing the actor's node.</param>
public sealed record Terminated(IActorRef ActorRef, bool ExistenceConfirmed = true, bool AddressTerminated = false);

/// <summary>Stops the receiver once it reaches this message in its mailbox (messages before it are processed).</summary>
public sealed record PoisonPill
{
    /// <summary>The only instance.</summary>
    public static readonly PoisonPill Instance = new();
    private PoisonPill() { }
}

/// <summary>Makes the receiver fail with <see cref="ActorKilledException"/>; its supervisor decides (default: stop).</summary>
public sealed record Kill
{
    /// <summary>The only instance.</summary>
    public static readonly Kill Instance = new();
    private Kill() { }
}

/// <summary>Sent to an actor that received nothing for its <c>SetReceiveTimeout</c> duration.</summary>
public sealed record ReceiveTimeout : INotInfluenceReceiveTimeout
{
    /// <summary>The only instance.</summary>
    public static readonly ReceiveTimeout Instance = new();
    private ReceiveTimeout() { }
}

/// <summary>Marker: receiving a message of this type does not reset the receive timeout.</summary>
public interface INotInfluenceReceiveTimeout;

/// <summary>A message that could not be delivered, published on the <see cref="EventStream"/>.</summary>
public sealed record DeadLetter(object Message, IActorRef Sender, IActorRef Recipient);

/// <summary>A message the receiving actor did not handle, published on the <see cref="EventStream"/>.</summary>
public sealed record UnhandledMessage(object Message, IActorRef Sender, IActorRef Recipient);

/// <summary>Every actor answers with <see cref="ActorIdentity"/>; dead letters answer with a null subject.</summary>
public sealed record Identify(object? MessageId);

/// <summary>The answer to <see cref="Identify"/>.</summary>
public sealed record ActorIdentity(object? MessageId, IActorRef? Subject);

/// <summary>Reply envelopes for Ask and PipeTo.</summary>
public static class Status
{
    /// <summary>A successful reply carrying an optional value.</summary>
    public sealed record Success(object? Value);

    /// <summary>A failed reply; Ask faults its task with <see cref="Cause"/>.</summary>
    public sealed record Failure(Exception Cause);
}
