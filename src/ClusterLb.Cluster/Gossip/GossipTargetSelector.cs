namespace ClusterLb.Cluster;

/// <summary>Where to gossip this round, and whether the full state is needed or a status digest suffices.</summary>
public sealed record GossipTarget(UniqueAddress Node, bool SendFullGossip);

/// <summary>Picks the gossip partner for one round (Akka's rule), with randomness injected.</summary>
public static class GossipTargetSelector
{
    /// <summary>
    /// With probability <paramref name="differentViewProbability"/> (decayed for large clusters) prefer a reachable
    /// member that has not seen our version; otherwise any reachable member. Full gossip goes to nodes that have
    /// not seen our version, a digest to those that have.
    /// </summary>
    public static GossipTarget? Select(MembershipState state, Random random, double differentViewProbability = 0.8,
        int reduceAboveMembers = 400)
    {
        var gossip = state.LatestGossip;
        if (gossip.Members.Count <= 1) return null;
        var valid = gossip.Members.Select(m => m.UniqueAddress).Where(state.ValidNodeForGossip).ToList();
        if (valid.Count == 0) return null;

        UniqueAddress target;
        if (random.NextDouble() < AdjustedProbability(gossip.Members.Count, differentViewProbability, reduceAboveMembers))
        {
            var notSeen = valid.Where(n => !gossip.SeenByNode(n)).ToList();
            target = notSeen.Count > 0 ? notSeen[random.Next(notSeen.Count)] : valid[random.Next(valid.Count)];
        }
        else
        {
            target = valid[random.Next(valid.Count)];
        }
        return new GossipTarget(target, !gossip.SeenByNode(target));
    }

    /// <summary>Above <paramref name="reduceAbove"/> members the probability falls linearly to a tenth at 3× that size.</summary>
    public static double AdjustedProbability(int memberCount, double probability, int reduceAbove)
    {
        if (memberCount <= reduceAbove) return probability;
        var minP = probability / 10;
        var high = reduceAbove * 3;
        if (memberCount >= high) return minP;
        var k = (minP - probability) / (high - reduceAbove);
        return probability + (memberCount - reduceAbove) * k;
    }
}
