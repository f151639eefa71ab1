namespace ClusterLb.Cluster.Join;

/// <summary>How a member answered a Join.</summary>
public enum JoinOutcome
{
    /// <summary>Added as Joining; send Welcome.</summary>
    Welcomed,
    /// <summary>Already a member (a lost Welcome): send Welcome again.</summary>
    AlreadyMember,
    /// <summary>A new incarnation on the address of a live member: the old one was marked Terminated and Down; the joiner must retry after its removal.</summary>
    OldIncarnationDowned,
    /// <summary>Not accepted; see the reason.</summary>
    Ignored,
}

/// <summary>The result of handling a Join, with the (possibly unchanged) gossip.</summary>
public sealed record JoinResult(JoinOutcome Outcome, Gossip Gossip, string Reason);

/// <summary>What a cluster member does with Join and InitJoin, as pure functions.</summary>
public static class JoinHandler
{
    /// <summary>InitJoin gets an Ack only from a node that is a member and not on its way out.</summary>
    public static bool ShouldAckInitJoin(MembershipState state) =>
        state.SelfMember?.Status is MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up or MemberStatus.Leaving;

    /// <summary>Handles <paramref name="node"/> asking to join through this node.</summary>
    public static JoinResult HandleJoin(MembershipState state, UniqueAddress node, IEnumerable<string> roles, string appVersion)
    {
        var gossip = state.LatestGossip;
        var self = state.SelfUniqueAddress;
        var selfMember = state.SelfMember;

        if (selfMember is null && !node.Equals(self))
            return new JoinResult(JoinOutcome.Ignored, gossip, "this node is not a cluster member yet");
        if (selfMember is { Status: MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed })
            return new JoinResult(JoinOutcome.Ignored, gossip, $"this node is {selfMember.Status}");
        if (gossip.IsTombstoned(node))
            return new JoinResult(JoinOutcome.Ignored, gossip, "this incarnation was removed; restart it to rejoin");
        if (gossip.HasMember(node))
            return new JoinResult(JoinOutcome.AlreadyMember, gossip, "already a member");

        var old = gossip.MemberAt(node.Address);
        if (old is not null)
        {
            // Same host:port, new uid: the old process is dead. Terminated is sticky, so the leader can remove it
            // once Down; the new incarnation is let in on a later attempt.
            var downed = old.Status is MemberStatus.Down or MemberStatus.Removed ? old : old.Copy(MemberStatus.Down);
            var next = gossip.WithReachability(gossip.Overview.Reachability.Terminated(self, old.UniqueAddress))
                .Update([downed]).Increment(self).OnlySeen(self);
            return new JoinResult(JoinOutcome.OldIncarnationDowned, next, $"replacing old incarnation {old.UniqueAddress}");
        }

        var joined = gossip.Update([Member.Create(node, roles, appVersion)]).Increment(self).OnlySeen(self);
        return new JoinResult(JoinOutcome.Welcomed, joined, "added as Joining");
    }
}
