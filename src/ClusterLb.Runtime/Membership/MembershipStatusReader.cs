using System.Collections;
using System.Reflection;
using Akka.Cluster;

namespace ClusterLb.Runtime.Membership;

/// <summary>
/// Builds <see cref="MembershipStatus"/> from <see cref="Cluster.State"/>, Akka's public view of the membership.
/// Convergence is derived from that view by Akka's rule; the observers of an unreachable member are not in the
/// public view, so they are read from the cluster's internal reachability table when it is there (Akka.Management
/// reads the same table), and left empty otherwise.
/// </summary>
public static class MembershipStatusReader
{
    /// <summary>This node's current view of the membership.</summary>
    public static MembershipStatus Read(Cluster cluster)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable;
        var ages = AgeRanks(state.Members);
        var members = state.Members.Select(m => new MemberStatusView(
            m.Address.ToString(),
            m.UniqueAddress.Uid,
            m.Status.ToString(),
            m.Roles.OrderBy(r => r, StringComparer.Ordinal).ToList(),
            ages.TryGetValue(m.UniqueAddress, out var rank) ? rank : null,
            !unreachable.Contains(m))).ToList();
        var observers = ObserversByUnreachable(cluster);
        var unreachableViews = unreachable
            .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal)
            .Select(m => new UnreachableView(
                m.Address.ToString(),
                m.UniqueAddress.Uid,
                observers.TryGetValue(m.UniqueAddress, out var by) ? by : []))
            .ToList();
        return new MembershipStatus(
            cluster.SelfAddress.ToString(),
            cluster.SelfUniqueAddress.Uid,
            state.Leader?.ToString(),
            members,
            unreachableViews,
            Converged(state),
            state.SeenBy.Select(a => a.ToString()).OrderBy(a => a, StringComparer.Ordinal).ToList(),
            cluster.IsTerminated);
    }

    /// <summary>
    /// Akka's convergence rule over the public view: no member is unreachable unless it is Down or Exiting, and
    /// every member that still counts has seen the latest gossip.
    /// </summary>
    private static bool Converged(ClusterEvent.CurrentClusterState state)
    {
        if (state.Members.IsEmpty)
        {
            return false;
        }
        if (state.Unreachable.Any(m => m.Status is not (MemberStatus.Down or MemberStatus.Exiting)))
        {
            return false;
        }
        return state.Members
            .Where(m => !state.Unreachable.Contains(m) && m.Status is not (MemberStatus.Down or MemberStatus.Exiting))
            .All(m => state.SeenBy.Contains(m.Address));
    }

    /// <summary>
    /// 1 for the oldest member that has been Up, 2 for the next, and so on (Akka's age ordering, which singletons
    /// follow); members that were never Up have none. Akka keeps its own up-number internal.
    /// </summary>
    private static Dictionary<UniqueAddress, int> AgeRanks(IEnumerable<Member> members) =>
        members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting)
            .Order(Member.AgeOrdering)
            .Select((m, i) => (m.UniqueAddress, Rank: i + 1))
            .ToDictionary(x => x.UniqueAddress, x => x.Rank);

    private static readonly PropertyInfo? ReadViewProperty =
        typeof(Cluster).GetProperty("ReadView", BindingFlags.Instance | BindingFlags.NonPublic);

    private static IReadOnlyDictionary<UniqueAddress, IReadOnlyList<string>> ObserversByUnreachable(Cluster cluster)
    {
        var result = new Dictionary<UniqueAddress, IReadOnlyList<string>>();
        try
        {
            var readView = ReadViewProperty?.GetValue(cluster);
            var reachability = readView?.GetType().GetProperty("Reachability", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)?.GetValue(readView);
            var grouped = reachability?.GetType().GetProperty("ObserversGroupedByUnreachable", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)?.GetValue(reachability);
            if (grouped is not IEnumerable entries)
            {
                return result;
            }
            foreach (var entry in entries)
            {
                var type = entry.GetType();
                if (type.GetProperty("Key")?.GetValue(entry) is UniqueAddress subject && type.GetProperty("Value")?.GetValue(entry) is IEnumerable by)
                {
                    result[subject] = by.OfType<UniqueAddress>().Select(o => o.Address.ToString()).OrderBy(a => a, StringComparer.Ordinal).ToList();
                }
            }
        }
        catch (Exception ex) when (ex is TargetInvocationException or InvalidCastException or AmbiguousMatchException)
        {
            // An Akka version that moved the table: the status still answers, without observers.
        }
        return result;
    }
}
