using static ClusterLb.Cluster.Tests.TestNodes;

namespace ClusterLb.Cluster.Tests.Membership;

public class MemberTests
{
    [Fact]
    public void New_member_is_joining_without_an_up_number()
    {
        var m = Member.Create(Node("a"), ["lb", "api"], "1.2.3");
        Assert.Equal(MemberStatus.Joining, m.Status);
        Assert.Equal(Member.NotUpYet, m.UpNumber);
        Assert.True(m.HasRole("lb"));
        Assert.False(m.HasRole("db"));
        Assert.Equal("1.2.3", m.AppVersion);
    }

    [Fact]
    public void Older_means_lower_up_number_and_ties_go_to_the_lower_address()
    {
        var a = Member.Restore(Node("b"), MemberStatus.Up, upNumber: 1);
        var b = Member.Restore(Node("a"), MemberStatus.Up, upNumber: 2);
        Assert.True(a.IsOlderThan(b));
        Assert.False(b.IsOlderThan(a));
        var c = Member.Restore(Node("a"), MemberStatus.Up, upNumber: 1);
        Assert.True(c.IsOlderThan(a));
        Assert.Equal([c, a, b], new[] { b, a, c }.OrderBy(m => m, MemberAgeOrdering.Instance));
    }

    [Fact]
    public void Equality_is_by_unique_address_only()
    {
        Assert.Equal(M("a", MemberStatus.Joining), M("a", MemberStatus.Down));
        Assert.NotEqual(M("a", MemberStatus.Up, uid: 1), M("a", MemberStatus.Up, uid: 2));
    }

    [Fact]
    public void Highest_priority_prefers_the_stronger_status_then_the_older()
    {
        var up = M("a", MemberStatus.Up, 3);
        var down = M("a", MemberStatus.Down, 3);
        Assert.Same(down, Member.HighestPriorityOf(up, down));
        Assert.Same(down, Member.HighestPriorityOf(down, up));
        var older = M("a", MemberStatus.Up, 1);
        Assert.Same(older, Member.HighestPriorityOf(up, older));
    }

    [Fact]
    public void CopyUp_sets_the_up_number() =>
        Assert.Equal(7, Member.Create(Node("a")).CopyUp(7).UpNumber);
}
