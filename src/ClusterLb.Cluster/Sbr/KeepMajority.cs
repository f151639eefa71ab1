namespace ClusterLb.Cluster.Sbr;

/// <summary>
/// keep-majority: the side with more than half of the members (with the role, if set) survives; on a tie the side
/// with the lowest address survives. With three or more parts and no majority, every part downs itself.
/// </summary>
public sealed class KeepMajority(string role = "") : DowningStrategy
{
    /// <summary>Only members with this role are counted ("" = all).</summary>
    public string Role { get; } = role;

    /// <inheritdoc />
    public override SbrDecision Decide(SbrWorldView view)
    {
        if (view.HasIndirectlyConnected) return SbrDecision.DownIndirectlyConnected;
        var members = view.Members(role: Role).ToList();
        if (members.Count == 0) return SbrDecision.DownAll;
        var reachable = members.Count(m => !view.IsUnreachable(m));
        var decision = Majority(reachable, members.Count - reachable, members[0], view);
        if (decision != SbrDecision.DownUnreachable) return decision;

        // A membership change may be racing with the partition: count as few as possible here (no Leaving, which
        // may be Exiting over there) and as many as possible there (Joining may be Up there). Disagreement = down all.
        var cautious = view.Members(excludingPossiblyExiting: true, role: Role).ToList();
        if (cautious.Count == 0) return SbrDecision.DownAll;
        var here = cautious.Count(m => !view.IsUnreachable(m));
        var there = view.Members(includingPossiblyUp: true, role: Role).Count(view.IsUnreachable);
        return Majority(here, there, cautious[0], view) == SbrDecision.DownUnreachable ? SbrDecision.DownUnreachable : SbrDecision.DownAll;
    }
}
