namespace ClusterLb.Cluster.Daemon;

/// <summary>
/// What <c>GET /cluster/status</c> shows: this node's view of the membership, answered by the cluster daemon to
/// <see cref="GetClusterStatus"/>. Addresses are <c>clb://system@host:port</c> strings so the record serializes as-is.
/// </summary>
public sealed record ClusterStatus(
    string Self,
    long SelfUid,
    string? Leader,
    IReadOnlyList<ClusterMemberStatus> Members,
    IReadOnlyList<ClusterUnreachable> Unreachable,
    bool Convergence,
    IReadOnlyList<string> SeenBy,
    bool Terminated);

/// <summary>One member as this node sees it; <see cref="UpNumber"/> is null until the member was Up.</summary>
public sealed record ClusterMemberStatus(string Address, long Uid, string Status, IReadOnlyList<string> Roles, int? UpNumber, bool Reachable);

/// <summary>A member some observers cannot reach, with those observers.</summary>
public sealed record ClusterUnreachable(string Subject, long Uid, IReadOnlyList<string> Observers);
