namespace ClusterLb.Cluster.Sbr;

/// <summary>
/// keep-oldest: the side with the oldest member (where singletons run) survives. With down-if-alone an oldest
/// cut off from everyone downs itself instead, so one crashed or isolated node cannot take the cluster down.
/// </summary>
public sealed class KeepOldest(bool downIfAlone = true, string role = "") : DowningStrategy
{
    /// <summary>Whether an isolated oldest downs itself.</summary>
    public bool DownIfAlone { get; } = downIfAlone;
    /// <summary>Only members with this role are considered ("" = all).</summary>
    public string Role { get; } = role;

    /// <inheritdoc />
    public override SbrDecision Decide(SbrWorldView view)
    {
        if (view.HasIndirectlyConnected) return SbrDecision.DownIndirectlyConnected;
        var members = view.Members(role: Role).OrderBy(m => m, MemberAgeOrdering.Instance).ToList();
        if (members.Count == 0) return SbrDecision.DownAll;
        var reachable = members.Count(m => !view.IsUnreachable(m));
        var decision = Oldest(!view.IsUnreachable(members[0]), reachable, members.Count - reachable);
        if (decision != SbrDecision.DownUnreachable) return decision;

        // Same racing-membership check as keep-majority: Leaving here may be Exiting there; with down-if-alone,
        // Joining there may be Up and flip the "alone" test.
        var cautious = view.Members(excludingPossiblyExiting: true, role: Role).OrderBy(m => m, MemberAgeOrdering.Instance).ToList();
        if (cautious.Count == 0) return SbrDecision.DownAll;
        var counted = view.Members(includingPossiblyUp: DownIfAlone, excludingPossiblyExiting: true, role: Role).ToList();
        var here = counted.Count(m => !view.IsUnreachable(m));
        var there = counted.Count(view.IsUnreachable);
        return Oldest(!view.IsUnreachable(cautious[0]), here, there) == SbrDecision.DownUnreachable
            ? SbrDecision.DownUnreachable
            : SbrDecision.DownAll;
    }

    private SbrDecision Oldest(bool oldestHere, int thisSide, int otherSide)
    {
        if (oldestHere)
            return DownIfAlone && thisSide == 1 && otherSide >= 2 ? SbrDecision.DownReachable : SbrDecision.DownUnreachable;
        return DownIfAlone && otherSide == 1 && thisSide >= 2 ? SbrDecision.DownUnreachable : SbrDecision.DownReachable;
    }
}
