using Microsoft.Extensions.Logging;

namespace ClusterLb.Actors;

/// <summary>What an actor can see and do about itself. Use it only from the actor's own message handling.</summary>
public interface IActorContext
{
    /// <summary>This actor.</summary>
    IActorRef Self { get; }

    /// <summary>The sender of the message being processed (dead letters when there was none).</summary>
    IActorRef Sender { get; }

    /// <summary>The supervising parent.</summary>
    IActorRef Parent { get; }

    /// <summary>The system this actor belongs to.</summary>
    ActorSystem System { get; }

    /// <summary>The live children (including ones currently stopping).</summary>
    IEnumerable<IActorRef> Children { get; }

    /// <summary>The child with that name, or null.</summary>
    IActorRef? Child(string name);

    /// <summary>Creates a child; a duplicate name throws <see cref="InvalidActorNameException"/>.</summary>
    IActorRef ActorOf(Props props, string? name = null);

    /// <summary>Stops <paramref name="actor"/> (usually a child or Self) after its current message.</summary>
    void Stop(IActorRef actor);

    /// <summary>Delivers <see cref="Terminated"/> when <paramref name="subject"/> stops (at once if it already has).</summary>
    IActorRef Watch(IActorRef subject);

    /// <summary>Stops watching; a Terminated already queued for the subject is dropped.</summary>
    IActorRef Unwatch(IActorRef subject);

    /// <summary>Replaces (or pushes, with <paramref name="discardOld"/> false) the message handler.</summary>
    void Become(Func<object, bool> behavior, bool discardOld = true);

    /// <summary>Pops the current handler; with none left the actor's Receive is used.</summary>
    void Unbecome();

    /// <summary>Stash for deferring messages; unstashed messages come before any new mail.</summary>
    IStash Stash { get; }

    /// <summary>Keyed timers; all are cancelled when the actor stops or restarts.</summary>
    ITimerScheduler Timers { get; }

    /// <summary>A logger whose category is the actor's type.</summary>
    ILogger Log { get; }

    /// <summary>Sends <see cref="ReceiveTimeout"/> after this long without a message; null clears it.</summary>
    void SetReceiveTimeout(TimeSpan? timeout);
}

/// <summary>Defers messages until the actor is ready for them.</summary>
public interface IStash
{
    /// <summary>Keeps the current message for later.</summary>
    void Stash();

    /// <summary>Puts every stashed message back, oldest first, ahead of new mail.</summary>
    void UnstashAll();

    /// <summary>Puts back only the oldest stashed message.</summary>
    void Unstash();
}

/// <summary>Keyed timers owned by one actor. A cancelled or replaced timer's message never arrives.</summary>
public interface ITimerScheduler
{
    /// <summary>Sends <paramref name="message"/> to Self once after <paramref name="delay"/>; replaces a timer with the same key.</summary>
    void StartSingleTimer(object key, object message, TimeSpan delay);

    /// <summary>Sends <paramref name="message"/> to Self every <paramref name="interval"/>.</summary>
    void StartPeriodicTimer(object key, object message, TimeSpan interval);

    /// <summary>Sends <paramref name="message"/> to Self after <paramref name="initialDelay"/>, then every <paramref name="interval"/>.</summary>
    void StartPeriodicTimer(object key, object message, TimeSpan initialDelay, TimeSpan interval);

    /// <summary>True while the timer with that key is scheduled (a fired single timer is no longer active).</summary>
    bool IsTimerActive(object key);

    /// <summary>Cancels one timer.</summary>
    void Cancel(object key);

    /// <summary>Cancels every timer.</summary>
    void CancelAll();
}
