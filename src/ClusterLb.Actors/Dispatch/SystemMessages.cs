namespace ClusterLb.Actors;

/// <summary>
/// A message for the kernel rather than the actor's behaviour. Processed ahead of every user message.
/// Watch, Unwatch and DeathWatchNotification are public because remoting carries them between nodes.
/// </summary>
public abstract record SystemMessage;

/// <summary><paramref name="Watcher"/> asks to be told when <paramref name="Watchee"/> stops.</summary>
public sealed record Watch(IActorRef Watchee, IActorRef Watcher) : SystemMessage;

/// <summary><paramref name="Watcher"/> no longer wants to know about <paramref name="Watchee"/>.</summary>
public sealed record Unwatch(IActorRef Watchee, IActorRef Watcher) : SystemMessage;

/// <summary>Tells a watcher (or the parent) that <paramref name="Actor"/> stopped.</summary>
public sealed record DeathWatchNotification(IActorRef Actor, bool ExistenceConfirmed, bool AddressTerminated) : SystemMessage;

internal sealed record Create : SystemMessage
{
    public static readonly Create Instance = new();
}

internal sealed record Terminate : SystemMessage
{
    public static readonly Terminate Instance = new();
}

/// <summary>Stop processing user messages until a matching <see cref="Resume"/>.</summary>
internal sealed record Suspend : SystemMessage
{
    public static readonly Suspend Instance = new();
}

/// <summary>Undo one <see cref="Suspend"/>; <paramref name="CausedByFailure"/> set when it answers a failure.</summary>
internal sealed record Resume(Exception? CausedByFailure) : SystemMessage;

/// <summary>Restart the actor because of <paramref name="Cause"/>.</summary>
internal sealed record Recreate(Exception Cause) : SystemMessage;

/// <summary>Sent by a failing child to its parent.</summary>
internal sealed record Failed(IActorRef Child, Exception Cause, long Uid) : SystemMessage;

/// <summary>Escalation from the top-level guardian to the system.</summary>
internal sealed record GuardianFailed(Exception Cause) : SystemMessage;
