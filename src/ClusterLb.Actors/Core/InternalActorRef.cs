namespace ClusterLb.Actors;

/// <summary>
/// Base class for references the kernel can deliver system messages to. Local refs, ask refs and (later)
/// remote refs derive from it. Equality is path plus uid, so a new incarnation is a different reference.
/// </summary>
public abstract class InternalActorRef : IActorRef
{
    /// <inheritdoc />
    public abstract ActorPath Path { get; }

    /// <summary>The system this reference was created by (for remote refs: the local system holding them).</summary>
    public abstract ActorSystem System { get; }

    /// <summary>True for refs whose actor lives in this process.</summary>
    public virtual bool IsLocal => true;

    /// <summary>True once the referenced actor is known to have stopped.</summary>
    public virtual bool IsTerminated => false;

    /// <inheritdoc />
    public abstract void Tell(object message, IActorRef? sender = null);

    /// <summary>Delivers a kernel message (watch, unwatch, death notification, supervision).</summary>
    public abstract void SendSystemMessage(SystemMessage message);

    /// <inheritdoc />
    public bool Equals(IActorRef? other)
        => other is not null && (ReferenceEquals(this, other) || (Path.Uid == other.Path.Uid && Path.Equals(other.Path)));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IActorRef other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Path.GetHashCode(), Path.Uid);

    /// <inheritdoc />
    public override string ToString() => $"[{Path.ToSerializationFormat()}]";
}
