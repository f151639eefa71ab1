namespace ClusterLb.Actors;

/// <summary>Applies the directive to every child when one fails (for children that only work as a group).</summary>
public sealed class AllForOneStrategy : SupervisorStrategy
{
    /// <summary>At most <paramref name="maxNrOfRetries"/> restarts of the group within <paramref name="withinTimeRange"/>, then stop all.</summary>
    public AllForOneStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Func<Exception, Directive> decider)
        : base(maxNrOfRetries, withinTimeRange, decider)
    {
    }

    /// <summary>Unlimited restarts.</summary>
    public AllForOneStrategy(Func<Exception, Directive> decider)
        : base(-1, Timeout.InfiniteTimeSpan, decider)
    {
    }

    private protected override bool ApplyRestart(ActorCell parent, ActorCell.ChildEntry failed, Exception cause)
    {
        // Every child must still be within budget; the group restarts together or not at all.
        var children = parent.ChildEntries.ToArray();
        var allowed = true;
        foreach (var child in children)
        {
            allowed &= child.Stats.RequestRestartPermission(MaxNrOfRetries, WithinTimeRange);
        }

        if (!allowed)
        {
            return false;
        }

        foreach (var child in children)
        {
            if (!child.Ref.Equals(failed.Ref))
            {
                // Siblings are healthy: suspend first so none processes a message between now and its restart.
                child.Ref.SendSystemMessage(Suspend.Instance);
            }

            child.Ref.SendSystemMessage(new Recreate(cause));
        }

        return true;
    }

    private protected override void ApplyStop(ActorCell parent, ActorCell.ChildEntry failed)
    {
        foreach (var child in parent.ChildEntries.ToArray())
        {
            parent.Stop(child.Ref);
        }
    }
}
