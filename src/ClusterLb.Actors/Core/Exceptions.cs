namespace ClusterLb.Actors;

/// <summary>An actor name is invalid or already taken by a sibling.</summary>
public sealed class InvalidActorNameException(string message) : Exception(message);

/// <summary>The actor's constructor or <c>PreStart</c> threw; the default decider stops such an actor.</summary>
public sealed class ActorInitializationException(IActorRef actor, string message, Exception? cause)
    : Exception(message, cause)
{
    /// <summary>The actor that failed to start.</summary>
    public IActorRef Actor { get; } = actor;
}

/// <summary>Raised inside an actor that received <see cref="Kill"/>.</summary>
public sealed class ActorKilledException(string message) : Exception(message);

/// <summary>An actor received <see cref="Terminated"/> for a watched actor but did not handle it.</summary>
public sealed class DeathPactException(IActorRef deadActor)
    : Exception($"Actor {deadActor.Path} terminated and the watcher did not handle Terminated.")
{
    /// <summary>The watched actor that stopped.</summary>
    public IActorRef DeadActor { get; } = deadActor;
}

/// <summary>An Ask got no reply in time.</summary>
public sealed class AskTimeoutException(string message) : TimeoutException(message);

/// <summary>A failure escalated past the top-level guardian, or a supervisor gave up after its retry budget.</summary>
public sealed class ActorSupervisionException(string message, Exception? cause) : Exception(message, cause);
