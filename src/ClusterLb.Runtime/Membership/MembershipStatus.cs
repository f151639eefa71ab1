namespace ClusterLb.Runtime.Membership;

/// <summary>
/// What <c>GET /cluster/status</c> shows: this node's view of the Akka.Cluster membership. Addresses are Akka's
/// (<c>akka.tcp://clusterlb@host:port</c>, or <c>akka.ssl.tcp://</c> with TLS) so the record serializes as-is.
/// </summary>
/// <param name="Self">This node's address.</param>
/// <param name="SelfUid">This node's incarnation.</param>
/// <param name="Leader">The leader's address, null while there is none.</param>
/// <param name="Members">Every member, ordered as Akka orders them (by address).</param>
/// <param name="Unreachable">Members some node cannot reach, with the nodes that observed it.</param>
/// <param name="Convergence">Every reachable member has seen the latest gossip (the leader can act).</param>
/// <param name="SeenBy">Members that have seen this node's latest gossip.</param>
/// <param name="Terminated">This node's cluster extension has shut down.</param>
public sealed record MembershipStatus(
    string Self,
    long SelfUid,
    string? Leader,
    IReadOnlyList<MemberStatusView> Members,
    IReadOnlyList<UnreachableView> Unreachable,
    bool Convergence,
    IReadOnlyList<string> SeenBy,
    bool Terminated);

/// <summary>One member as this node sees it; <see cref="UpNumber"/> is null until the member was Up.</summary>
/// <param name="Address">The member's address.</param>
/// <param name="Uid">The member's incarnation.</param>
/// <param name="Status">Akka's member status: Joining, WeaklyUp, Up, Leaving, Exiting, Down, Removed.</param>
/// <param name="Roles">The member's roles.</param>
/// <param name="UpNumber">Rank by age among members that are Up (1 = the oldest, where singletons run).</param>
/// <param name="Reachable">No node reports the member unreachable.</param>
public sealed record MemberStatusView(string Address, long Uid, string Status, IReadOnlyList<string> Roles, int? UpNumber, bool Reachable);

/// <summary>A member some observers cannot reach, with those observers.</summary>
/// <param name="Subject">The unreachable member's address.</param>
/// <param name="Uid">Its incarnation.</param>
/// <param name="Observers">The members whose failure detectors report it.</param>
public sealed record UnreachableView(string Subject, long Uid, IReadOnlyList<string> Observers);
