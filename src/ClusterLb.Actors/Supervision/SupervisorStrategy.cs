namespace ClusterLb.Actors;

/// <summary>How a parent reacts to a child's failure: a decider maps the exception to a <see cref="Directive"/>.</summary>
public abstract class SupervisorStrategy
{
    /// <summary>One-for-one; Restart (Stop for initialization, kill and death-pact failures); 10 restarts per minute.</summary>
    public static readonly SupervisorStrategy DefaultStrategy = new OneForOneStrategy(10, TimeSpan.FromMinutes(1), DefaultDecider);

    /// <summary>Stops any failing child.</summary>
    public static readonly SupervisorStrategy StoppingStrategy = new OneForOneStrategy(_ => Directive.Stop);

    private protected SupervisorStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Func<Exception, Directive> decider)
    {
        ArgumentNullException.ThrowIfNull(decider);
        MaxNrOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange;
        Decider = decider;
    }

    /// <summary>Restarts allowed within <see cref="WithinTimeRange"/> before the child is stopped; -1 = unlimited.</summary>
    public int MaxNrOfRetries { get; }

    /// <summary>The window for <see cref="MaxNrOfRetries"/>; zero or infinite = no window.</summary>
    public TimeSpan WithinTimeRange { get; }

    /// <summary>Maps a failure to a directive.</summary>
    public Func<Exception, Directive> Decider { get; }

    /// <summary>Akka's default decider.</summary>
    public static Directive DefaultDecider(Exception cause) => cause switch
    {
        ActorInitializationException or ActorKilledException or DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>Applies the directive; false means escalate.</summary>
    internal bool HandleFailure(ActorCell parent, ActorCell.ChildEntry child, Exception cause)
    {
        var directive = Decider(cause);
        LogMessages.ChildFailed(parent.Log, cause, child.Ref.Path, parent.Self.Path, directive, cause.GetType().Name);
        switch (directive)
        {
            case Directive.Resume:
                child.Ref.SendSystemMessage(new Resume(cause));
                return true;
            case Directive.Restart:
                if (!ApplyRestart(parent, child, cause))
                {
                    LogMessages.RetriesExhausted(parent.Log, child.Ref.Path, MaxNrOfRetries, WithinTimeRange);
                    ApplyStop(parent, child);
                }

                return true;
            case Directive.Stop:
                ApplyStop(parent, child);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Restarts the failed child (and, for all-for-one, its siblings); false when the retry budget is spent.</summary>
    private protected abstract bool ApplyRestart(ActorCell parent, ActorCell.ChildEntry failed, Exception cause);

    /// <summary>Stops the failed child (and, for all-for-one, its siblings).</summary>
    private protected abstract void ApplyStop(ActorCell parent, ActorCell.ChildEntry failed);
}
