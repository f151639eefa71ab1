using ClusterLb.Cluster.Events;

namespace ClusterLb.Cluster.Tools;

/// <summary>
/// Tracks the Up and Leaving members (optionally of one role) in age order, from cluster events. Leaving members stay
/// in the order until they are Exiting, so the next oldest takes over only after the previous oldest has handed over.
/// </summary>
internal sealed class OldestMemberTracker(string? role)
{
    private readonly SortedSet<Member> _members = new(MemberAgeOrdering.Instance);

    /// <summary>The oldest member, or null when none is Up.</summary>
    public Member? Oldest => _members.Count == 0 ? null : _members.Min;

    /// <summary>Applies an event; returns true when it was a membership event.</summary>
    public bool Apply(object message)
    {
        switch (message)
        {
            case CurrentClusterState s:
                _members.Clear();
                foreach (var m in s.Members) Update(m);
                return true;
            case MemberEvent e:
                Update(e.Member);
                return true;
            default:
                return false;
        }
    }

    private void Update(Member m)
    {
        _members.RemoveWhere(x => x.Equals(m));
        if (m.Status is MemberStatus.Up or MemberStatus.Leaving && (string.IsNullOrEmpty(role) || m.HasRole(role)))
            _members.Add(m);
    }
}
