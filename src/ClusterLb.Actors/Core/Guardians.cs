using Microsoft.Extensions.Logging;

namespace ClusterLb.Actors;

/// <summary>/user and /system: parents that only supervise (default strategy).</summary>
internal sealed class GuardianActor : ActorBase
{
    protected override bool Receive(object message) => false;

    // A guardian's children are stopped by the guardian's own stop, not by a restart of the guardian.
    protected override void PreRestart(Exception reason, object? message)
    {
    }
}

/// <summary>The root: stops /system once /user is gone, then itself, which completes termination.</summary>
internal sealed class RootGuardian : ActorBase
{
    protected override void PreStart()
    {
        foreach (var child in Context.Children)
        {
            Context.Watch(child);
        }
    }

    protected override bool Receive(object message)
    {
        if (message is not Terminated terminated)
        {
            return false;
        }

        if (terminated.ActorRef.Equals(Context.System.UserGuardian))
        {
            Context.Stop(Context.System.SystemGuardian);
        }
        else
        {
            Context.Stop(Self);
        }

        return true;
    }
}

/// <summary>The root guardian's parent: it only learns that the root stopped, which ends the system.</summary>
internal sealed class RootParentRef(ActorSystem system, ActorPath path) : InternalActorRef
{
    public override ActorPath Path { get; } = path;

    public override ActorSystem System { get; } = system;

    public override void Tell(object message, IActorRef? sender = null) => System.DeadLetters.Tell(message, sender);

    public override void SendSystemMessage(SystemMessage message)
    {
        switch (message)
        {
            case DeathWatchNotification:
                System.OnRootStopped();
                break;
            case Failed failed:
                LogMessages.GuardianFailed(System.LoggerFactory.CreateLogger<RootGuardian>(), failed.Cause, failed.Child.Path);
                System.Stop(failed.Child);
                break;
        }
    }
}
