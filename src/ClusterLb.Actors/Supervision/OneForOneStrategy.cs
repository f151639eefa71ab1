namespace ClusterLb.Actors;

/// <summary>Applies the directive only to the child that failed.</summary>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    /// <summary>At most <paramref name="maxNrOfRetries"/> restarts within <paramref name="withinTimeRange"/>, then stop.</summary>
    public OneForOneStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Func<Exception, Directive> decider)
        : base(maxNrOfRetries, withinTimeRange, decider)
    {
    }

    /// <summary>Unlimited restarts.</summary>
    public OneForOneStrategy(Func<Exception, Directive> decider)
        : base(-1, Timeout.InfiniteTimeSpan, decider)
    {
    }

    private protected override bool ApplyRestart(ActorCell parent, ActorCell.ChildEntry failed, Exception cause)
    {
        if (!failed.Stats.RequestRestartPermission(MaxNrOfRetries, WithinTimeRange))
        {
            return false;
        }

        failed.Ref.SendSystemMessage(new Recreate(cause));
        return true;
    }

    private protected override void ApplyStop(ActorCell parent, ActorCell.ChildEntry failed) => parent.Stop(failed.Ref);
}
