using static ClusterLb.Cluster.Tests.TestNodes;

namespace ClusterLb.Cluster.Tests.Membership;

public class MemberStatusTests
{
    // The table as the task and Akka's Member.allowedTransitions define it, written out independently.
    private static readonly HashSet<(MemberStatus, MemberStatus)> Legal =
    [
        (MemberStatus.Joining, MemberStatus.WeaklyUp), (MemberStatus.Joining, MemberStatus.Up), (MemberStatus.Joining, MemberStatus.Leaving),
        (MemberStatus.Joining, MemberStatus.Down), (MemberStatus.Joining, MemberStatus.Removed),
        (MemberStatus.WeaklyUp, MemberStatus.Up), (MemberStatus.WeaklyUp, MemberStatus.Leaving), (MemberStatus.WeaklyUp, MemberStatus.Down),
        (MemberStatus.WeaklyUp, MemberStatus.Removed),
        (MemberStatus.Up, MemberStatus.Leaving), (MemberStatus.Up, MemberStatus.Down), (MemberStatus.Up, MemberStatus.Removed),
        (MemberStatus.Up, MemberStatus.PreparingForShutdown),
        (MemberStatus.Leaving, MemberStatus.Exiting), (MemberStatus.Leaving, MemberStatus.Down), (MemberStatus.Leaving, MemberStatus.Removed),
        (MemberStatus.Exiting, MemberStatus.Removed), (MemberStatus.Exiting, MemberStatus.Down),
        (MemberStatus.Down, MemberStatus.Removed),
        (MemberStatus.PreparingForShutdown, MemberStatus.ReadyForShutdown), (MemberStatus.PreparingForShutdown, MemberStatus.Removed),
        (MemberStatus.PreparingForShutdown, MemberStatus.Leaving), (MemberStatus.PreparingForShutdown, MemberStatus.Down),
        (MemberStatus.ReadyForShutdown, MemberStatus.Removed), (MemberStatus.ReadyForShutdown, MemberStatus.Leaving),
        (MemberStatus.ReadyForShutdown, MemberStatus.Down),
    ];

    public static TheoryData<MemberStatus, MemberStatus> AllPairs()
    {
        var data = new TheoryData<MemberStatus, MemberStatus>();
        foreach (var a in Enum.GetValues<MemberStatus>())
            foreach (var b in Enum.GetValues<MemberStatus>())
                data.Add(a, b);
        return data;
    }

    [Theory, MemberData(nameof(AllPairs))]
    public void Transition_table_is_enforced(MemberStatus from, MemberStatus to)
    {
        var expected = from == to || Legal.Contains((from, to));
        Assert.Equal(expected, MemberStatusRules.IsAllowed(from, to));
        var m = Member.Restore(Node("a"), from);
        if (expected)
            Assert.Equal(to, m.Copy(to).Status);
        else
            Assert.Contains($"cannot move from {from} to {to}", Assert.Throws<InvalidOperationException>(() => m.Copy(to)).Message);
    }

    [Fact]
    public void Removed_is_final() =>
        Assert.All(Enum.GetValues<MemberStatus>().Where(s => s != MemberStatus.Removed),
            s => Assert.False(MemberStatusRules.IsAllowed(MemberStatus.Removed, s)));

    [Fact]
    public void Merge_precedence_is_removed_down_exiting_leaving_up_weaklyup_joining()
    {
        var order = new[] { MemberStatus.Removed, MemberStatus.Down, MemberStatus.Exiting, MemberStatus.Leaving, MemberStatus.Up, MemberStatus.WeaklyUp, MemberStatus.Joining };
        for (var i = 0; i < order.Length - 1; i++)
            Assert.True(MemberStatusRules.Precedence(order[i]) > MemberStatusRules.Precedence(order[i + 1]), $"{order[i]} should beat {order[i + 1]}");
    }
}
