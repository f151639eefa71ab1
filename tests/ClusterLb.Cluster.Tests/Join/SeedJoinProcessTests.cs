using ClusterLb.Cluster.Join;
using static ClusterLb.Cluster.Tests.TestNodes;

namespace ClusterLb.Cluster.Tests.Join;

public class SeedJoinProcessTests
{
    private static readonly Address S1 = Addr("s1"), S2 = Addr("s2"), S3 = Addr("s3"), X = Addr("x");
    private static readonly TimeSpan T0 = TimeSpan.Zero;
    private static TimeSpan Sec(double s) => TimeSpan.FromSeconds(s);

    private static SeedJoinProcess Process(Address self, params Address[] seeds) => new(self, seeds, Sec(5), Sec(10));

    [Fact]
    public void No_seeds_means_idle()
    {
        var p = Process(X);
        Assert.Empty(p.Start(T0));
        Assert.Equal(SeedJoinPhase.Idle, p.Phase);
    }

    [Fact]
    public void Only_self_as_seed_joins_self()
    {
        var p = Process(S1, S1);
        Assert.Equal([new JoinSelf()], p.Start(T0));
        Assert.Equal(SeedJoinPhase.Joined, p.Phase);
    }

    [Fact]
    public void First_seed_asks_others_every_second_and_joins_self_at_seed_node_timeout()
    {
        var p = Process(S1, S1, S2, S3);
        Assert.Equal([new SendInitJoin(S2), new SendInitJoin(S3)], p.Start(T0));
        Assert.Equal(SeedJoinPhase.FirstSeedDiscovery, p.Phase);
        Assert.Empty(p.Tick(Sec(0.5)));
        Assert.Equal(2, p.Tick(Sec(1)).Count);
        Assert.Equal(2, p.Tick(Sec(2)).Count);
        Assert.Equal([new JoinSelf()], p.Tick(Sec(5)));
        Assert.Equal(SeedJoinPhase.Joined, p.Phase);
    }

    [Fact]
    public void First_seed_joins_self_at_once_when_every_other_seed_says_no()
    {
        var p = Process(S1, S1, S2, S3);
        p.Start(T0);
        Assert.Empty(p.OnInitJoinNack(S2, Sec(0.1)));
        Assert.Empty(p.OnInitJoinNack(S2, Sec(0.1)));
        Assert.Equal([new JoinSelf()], p.OnInitJoinNack(S3, Sec(0.2)));
    }

    [Fact]
    public void Restarted_first_seed_joins_the_existing_cluster_on_ack()
    {
        var p = Process(S1, S1, S2, S3);
        p.Start(T0);
        p.OnInitJoinNack(S3, Sec(0.1));
        Assert.Equal([new SendJoin(S2)], p.OnInitJoinAck(S2, Sec(0.2)));
        Assert.Equal(SeedJoinPhase.AwaitingWelcome, p.Phase);
        Assert.Empty(p.Tick(Sec(6))); // no self-join any more
        Assert.True(p.OnWelcome(S2));
        Assert.Equal(SeedJoinPhase.Joined, p.Phase);
    }

    [Fact]
    public void Other_nodes_ask_all_seeds_every_seed_node_timeout_ignore_nacks_and_join_the_first_ack()
    {
        var p = Process(X, S1, S2);
        Assert.Equal([new SendInitJoin(S1), new SendInitJoin(S2)], p.Start(T0));
        Assert.Empty(p.OnInitJoinNack(S1, Sec(0.1)));
        Assert.Empty(p.Tick(Sec(4.9)));
        Assert.Equal(2, p.Tick(Sec(5)).Count);
        Assert.Equal([new SendJoin(S2)], p.OnInitJoinAck(S2, Sec(6)));
        Assert.Empty(p.OnInitJoinAck(S1, Sec(6.1)));
        Assert.Equal(S2, p.JoinTarget);
    }

    [Fact]
    public void A_seed_that_is_not_first_does_not_ask_itself()
    {
        var p = Process(S2, S1, S2);
        Assert.Equal([new SendInitJoin(S1)], p.Start(T0));
    }

    [Fact]
    public void Welcome_only_from_the_node_that_was_asked()
    {
        var p = Process(X, S1, S2);
        p.Start(T0);
        p.OnInitJoinAck(S1, Sec(1));
        Assert.False(p.OnWelcome(S2));
        Assert.Equal(SeedJoinPhase.AwaitingWelcome, p.Phase);
        Assert.True(p.OnWelcome(S1));
        Assert.False(p.OnWelcome(S1));
    }

    [Fact]
    public void Join_without_welcome_starts_over_after_retry_unsuccessful_join_after()
    {
        var p = Process(X, S1, S2);
        p.Start(T0);
        p.OnInitJoinAck(S1, Sec(1));
        Assert.Empty(p.Tick(Sec(10.9)));
        Assert.Equal([new SendInitJoin(S1), new SendInitJoin(S2)], p.Tick(Sec(11)));
        Assert.Equal(SeedJoinPhase.SeedDiscovery, p.Phase);
    }

    [Fact]
    public void Manual_join_to_an_address()
    {
        var p = Process(X);
        Assert.Equal([new SendJoin(S1)], p.JoinTo(S1, T0));
        Assert.Equal([new SendJoin(S1)], p.Tick(Sec(10)));
        Assert.Equal([new JoinSelf()], Process(X).JoinTo(X, T0));
    }
}
