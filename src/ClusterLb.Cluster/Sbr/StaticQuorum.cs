namespace ClusterLb.Cluster.Sbr;

/// <summary>
/// static-quorum: a side with at least <see cref="QuorumSize"/> members survives. A cluster larger than
/// 2·quorum−1 could split into two quorate halves, so then everyone is downed.
/// </summary>
public sealed class StaticQuorum : DowningStrategy
{
    /// <summary>Creates the strategy.</summary>
    public StaticQuorum(int quorumSize, string role = "")
    {
        if (quorumSize < 1) throw new ArgumentOutOfRangeException(nameof(quorumSize), quorumSize, "quorum-size must be at least 1.");
        QuorumSize = quorumSize;
        Role = role;
    }

    /// <summary>Minimum members a surviving side needs.</summary>
    public int QuorumSize { get; }
    /// <summary>Only members with this role are counted ("" = all).</summary>
    public string Role { get; }

    /// <summary>True when the cluster is too large for the quorum to be safe.</summary>
    public bool IsTooManyMembers(SbrWorldView view) => view.Members(role: Role).Count() > QuorumSize * 2 - 1;

    /// <inheritdoc />
    public override SbrDecision Decide(SbrWorldView view)
    {
        if (IsTooManyMembers(view)) return SbrDecision.DownAll;
        if (view.HasIndirectlyConnected) return SbrDecision.DownIndirectlyConnected;
        var reachable = view.Members(role: Role).Count(m => !view.IsUnreachable(m));
        return reachable >= QuorumSize ? SbrDecision.DownUnreachable : SbrDecision.DownReachable;
    }
}
