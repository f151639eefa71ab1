using ClusterLb.DistributedData.Crdt;
using static ClusterLb.DistributedData.Tests.Crdt.Nodes;

namespace ClusterLb.DistributedData.Tests.Crdt;

public class RegisterTests
{
    [Fact]
    public void The_latest_timestamp_wins()
    {
        var older = new LWWRegister<string>(A, "old", 100);
        var newer = new LWWRegister<string>(B, "new", 101);

        Assert.Equal("new", older.Merge(newer).Value);
        Assert.Equal("new", newer.Merge(older).Value);
    }

    [Fact]
    public void Equal_timestamps_are_won_by_the_lower_replica_id_in_either_merge_order()
    {
        var byA = new LWWRegister<string>(A, "from-a", 100);
        var byB = new LWWRegister<string>(B, "from-b", 100);

        Assert.True(A.CompareTo(B) < 0);
        Assert.Equal("from-a", byA.Merge(byB).Value);
        Assert.Equal("from-a", byB.Merge(byA).Value);
    }

    [Fact]
    public void A_replicas_own_writes_win_in_order_even_when_the_register_is_ahead_of_the_wall_clock()
    {
        var future = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();
        var register = new LWWRegister<string>(B, "from-a-fast-clock", future);

        var first = register.WithValue(A, "first");
        var second = first.WithValue(A, "second");

        Assert.Equal(future + 1, first.Timestamp);
        Assert.Equal(future + 2, second.Timestamp);
        Assert.Equal("second", first.Merge(second).Value);
        Assert.Equal("second", second.Merge(register).Value);
    }

    [Fact]
    public void The_wall_clock_is_used_when_it_is_ahead()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var register = new LWWRegister<string>(A, "v", 5).WithValue(A, "w");
        Assert.True(register.Timestamp >= before);
    }

    [Fact]
    public void The_reverse_clock_makes_the_first_write_win()
    {
        var first = new LWWRegister<string>(A, "first", LwwClocks.Reverse);
        var second = first.WithValue(B, "second", LwwClocks.Reverse);

        Assert.True(second.Timestamp < first.Timestamp);
        Assert.Equal("first", first.Merge(second).Value);
        Assert.Equal("first", second.Merge(first).Value);
    }

    [Fact]
    public void A_fixed_clock_lets_the_application_supply_versions()
    {
        var v1 = new LWWRegister<string>(A, "v1", LwwClocks.Fixed<string>(1));
        var v2 = new LWWRegister<string>(B, "v2", LwwClocks.Fixed<string>(2));
        Assert.Equal("v2", v1.Merge(v2).Value);
    }
}
