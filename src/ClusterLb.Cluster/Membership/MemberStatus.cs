namespace ClusterLb.Cluster;

/// <summary>The lifecycle states of a cluster member (Akka's names).</summary>
public enum MemberStatus
{
    /// <summary>Asked to join; not yet moved to Up by the leader.</summary>
    Joining,
    /// <summary>Joined while the cluster had no convergence; usable but not counted for quorum decisions.</summary>
    WeaklyUp,
    /// <summary>A full member.</summary>
    Up,
    /// <summary>Asked to leave gracefully.</summary>
    Leaving,
    /// <summary>The leader acknowledged the leave; the node is shutting its work down.</summary>
    Exiting,
    /// <summary>Declared dead (by an operator or the split brain resolver); will be removed.</summary>
    Down,
    /// <summary>Gone; kept only as a tombstone.</summary>
    Removed,
    /// <summary>Part of a full-cluster shutdown that was requested.</summary>
    PreparingForShutdown,
    /// <summary>Ready for the full-cluster shutdown.</summary>
    ReadyForShutdown,
}

/// <summary>Which status changes are legal, and which status wins when two gossips disagree.</summary>
public static class MemberStatusRules
{
    private static readonly IReadOnlyDictionary<MemberStatus, MemberStatus[]> Allowed =
        new Dictionary<MemberStatus, MemberStatus[]>
        {
            [MemberStatus.Joining] = [MemberStatus.WeaklyUp, MemberStatus.Up, MemberStatus.Leaving, MemberStatus.Down, MemberStatus.Removed],
            [MemberStatus.WeaklyUp] = [MemberStatus.Up, MemberStatus.Leaving, MemberStatus.Down, MemberStatus.Removed],
            [MemberStatus.Up] = [MemberStatus.Leaving, MemberStatus.Down, MemberStatus.Removed, MemberStatus.PreparingForShutdown],
            [MemberStatus.Leaving] = [MemberStatus.Exiting, MemberStatus.Down, MemberStatus.Removed],
            [MemberStatus.Exiting] = [MemberStatus.Removed, MemberStatus.Down],
            [MemberStatus.Down] = [MemberStatus.Removed],
            [MemberStatus.Removed] = [],
            [MemberStatus.PreparingForShutdown] = [MemberStatus.ReadyForShutdown, MemberStatus.Removed, MemberStatus.Leaving, MemberStatus.Down],
            [MemberStatus.ReadyForShutdown] = [MemberStatus.Removed, MemberStatus.Leaving, MemberStatus.Down],
        };

    /// <summary>True when <paramref name="from"/> may change to <paramref name="to"/>; staying put is always allowed.</summary>
    public static bool IsAllowed(MemberStatus from, MemberStatus to) =>
        from == to || (Allowed.TryGetValue(from, out var targets) && Array.IndexOf(targets, to) >= 0);

    /// <summary>Merge precedence: a higher value wins when two views of the same member disagree.</summary>
    public static int Precedence(MemberStatus status) => status switch
    {
        MemberStatus.Removed => 8,
        MemberStatus.Down => 7,
        MemberStatus.Exiting => 6,
        MemberStatus.Leaving => 5,
        MemberStatus.ReadyForShutdown => 4,
        MemberStatus.PreparingForShutdown => 3,
        MemberStatus.Up => 2,
        MemberStatus.WeaklyUp => 1,
        MemberStatus.Joining => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown member status."),
    };
}
