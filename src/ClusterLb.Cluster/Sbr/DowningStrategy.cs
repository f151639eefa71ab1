using System.Collections.Immutable;

namespace ClusterLb.Cluster.Sbr;

/// <summary>A split brain resolver strategy: a pure decision over a <see cref="SbrWorldView"/>.</summary>
public abstract class DowningStrategy
{
    /// <summary>The decision for this side.</summary>
    public abstract SbrDecision Decide(SbrWorldView view);

    /// <summary>Builds the strategy named in the settings.</summary>
    public static DowningStrategy Create(SplitBrainResolverSettings settings) => settings.ActiveStrategy switch
    {
        DowningStrategyKind.KeepMajority => new KeepMajority(settings.KeepMajorityRole),
        DowningStrategyKind.StaticQuorum => new StaticQuorum(
            settings.StaticQuorumSize ?? throw new ArgumentException("static-quorum needs quorum-size.", nameof(settings)),
            settings.StaticQuorumRole),
        DowningStrategyKind.KeepOldest => new KeepOldest(settings.KeepOldestDownIfAlone, settings.KeepOldestRole),
        DowningStrategyKind.DownAll => new DownAllNodes(),
        _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.ActiveStrategy, "Unknown downing strategy."),
    };

    /// <summary>
    /// The nodes to down for <paramref name="decision"/>. Already Down or Exiting nodes are never listed. For an
    /// indirectly connected decision the strategy decides again without the observations among those nodes and
    /// adds that side's losers; if that second decision is indirect again, everyone is downed.
    /// </summary>
    public ImmutableHashSet<UniqueAddress> NodesToDown(SbrWorldView view, SbrDecision decision)
    {
        var downable = view.Members(includingPossiblyUp: true).Select(m => m.UniqueAddress).ToImmutableHashSet();
        switch (decision)
        {
            case SbrDecision.DownUnreachable:
                return downable.Intersect(view.Unreachable);
            case SbrDecision.DownReachable:
                return downable.Except(view.Unreachable);
            case SbrDecision.DownAll:
                return downable;
            case SbrDecision.DownIndirectlyConnected:
                var indirect = view.IndirectlyConnected;
                if (view.Unreachable.Except(indirect).IsEmpty)
                    return downable.Intersect(indirect);
                var rest = view.WithoutIndirectObservations();
                var second = Decide(rest);
                if (second == SbrDecision.DownIndirectlyConnected)
                    return downable;
                return downable.Intersect(indirect.Union(NodesToDown(rest, second)));
            default:
                throw new ArgumentOutOfRangeException(nameof(decision), decision, "Unknown decision.");
        }
    }

    /// <summary>Compares the two sides; on a tie the side holding <paramref name="lowest"/> wins.</summary>
    protected static SbrDecision Majority(int thisSide, int otherSide, Member lowest, SbrWorldView view)
    {
        if (thisSide == otherSide)
            return view.IsUnreachable(lowest) ? SbrDecision.DownReachable : SbrDecision.DownUnreachable;
        return thisSide > otherSide ? SbrDecision.DownUnreachable : SbrDecision.DownReachable;
    }
}
