namespace ClusterLb.Actors;

/// <summary>Request-reply from outside an actor (or from an actor that must not block its mailbox on the reply).</summary>
public static class AskExtensions
{
    /// <summary>
    /// Sends <paramref name="message"/> with a temporary sender and returns its first reply. A
    /// <see cref="Status.Failure"/> reply faults the task with its cause; no reply within
    /// <paramref name="timeout"/> faults it with <see cref="AskTimeoutException"/>.
    /// </summary>
    public static Task<T> Ask<T>(this IActorRef target, object message, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "An ask timeout must be positive.");
        }

        if (target is not InternalActorRef { System: var system })
        {
            return Task.FromException<T>(new AskTimeoutException($"Ask to {target.Path} cannot be answered: the target belongs to no actor system."));
        }

        if (target is InternalActorRef { IsTerminated: true } && message is not Identify)
        {
            // Fail fast, as Akka does; the message still goes through the dead-letter office so it is counted.
            // Identify is exempt: a dead actor answers it (ActorIdentity with a null subject).
            target.Tell(message, system.DeadLetters);
            return Task.FromException<T>(new AskTimeoutException($"Ask to {target.Path} failed at once: the target has already terminated."));
        }

        var promise = new PromiseActorRef<T>(system.TempContainer, target, message, timeout, ct);
        target.Tell(message, promise);
        return promise.Task;
    }

    /// <summary>Ask with a reply of any type.</summary>
    public static Task<object> Ask(this IActorRef target, object message, TimeSpan timeout, CancellationToken ct = default)
        => target.Ask<object>(message, timeout, ct);
}
