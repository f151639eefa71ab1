using ClusterLb.Cluster.Protocol;

namespace ClusterLb.Cluster.Daemon;

/// <summary>Builds the <see cref="ClusterStatus"/> record from the core's current view.</summary>
internal static class ClusterStatusBuilder
{
    public static ClusterStatus Build(ClusterCore core)
    {
        var state = core.State;
        var reachability = state.Reachability;
        var members = state.Members.Select(m => new ClusterMemberStatus(
            m.Address.ToString(), m.UniqueAddress.Uid, m.Status.ToString(), m.Roles.ToList(),
            m.UpNumber == Member.NotUpYet ? null : m.UpNumber, reachability.IsReachable(m.UniqueAddress))).ToList();
        var unreachable = reachability.ObserversGroupedByUnreachable
            .Where(kv => state.LatestGossip.HasMember(kv.Key))
            .OrderBy(kv => kv.Key)
            .Select(kv => new ClusterUnreachable(kv.Key.Address.ToString(), kv.Key.Uid,
                kv.Value.OrderBy(o => o).Select(o => o.Address.ToString()).ToList()))
            .ToList();
        return new ClusterStatus(
            core.Self.Address.ToString(), core.Self.Uid, state.Leader?.Address.ToString(), members, unreachable,
            core.IsInitialized && core.Convergence,
            state.LatestGossip.SeenBy.OrderBy(n => n).Select(n => n.Address.ToString()).ToList(),
            core.IsTerminated);
    }
}
