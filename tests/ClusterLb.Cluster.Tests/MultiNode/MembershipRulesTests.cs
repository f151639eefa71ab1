using ClusterLb.Cluster.Daemon;
using ClusterLb.Cluster.Events;

namespace ClusterLb.Cluster.Tests.MultiNode;

/// <summary>Downing strategies, WeaklyUp, min-nr-of-members and advertised addresses, over real sockets.</summary>
[Collection(MultiNodeCollection.Name)]
public class MembershipRulesTests
{
    private static void Partition(TestCluster c, IEnumerable<TestNode> side, IEnumerable<TestNode> other)
    {
        foreach (var a in side)
        foreach (var b in other)
            c.Faults.BlockBoth(a.NodeAddress, b.NodeAddress);
    }

    private static async Task<List<TestNode>> ByAgeAsync(TestCluster c)
    {
        var status = await c.Nodes[0].StatusAsync();
        return status.Members.OrderBy(m => m.UpNumber).Select(m => c.Nodes.Single(n => n.Uid == m.Uid)).ToList();
    }

    [Fact]
    public async Task Static_quorum_keeps_the_side_with_the_quorum_and_the_other_side_downs_itself()
    {
        await using var c = await TestCluster.StartAsync(5, seedCount: 3,
            extra: "clusterlb.cluster.split-brain-resolver { active-strategy = static-quorum, static-quorum.quorum-size = 3 }");
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var withQuorum = c.Nodes.Take(3).ToList();
        var without = c.Nodes.Skip(3).ToList();

        Partition(c, withQuorum, without);

        await Task.WhenAll(without.Select(n => n.Cluster.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(45))));
        await TestCluster.AgreeAsync(withQuorum, withQuorum, TimeSpan.FromSeconds(45));
        Assert.All(withQuorum, n => Assert.False(n.Cluster.IsTerminated));
        Assert.Contains(c.Logs.Lines, l => l.Contains("Split brain resolver", StringComparison.Ordinal) && l.Contains("quorum", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Keep_oldest_keeps_the_side_of_the_oldest_even_when_it_is_the_smaller_one()
    {
        await using var c = await TestCluster.StartAsync(5, seedCount: 3,
            extra: "clusterlb.cluster.split-brain-resolver.active-strategy = keep-oldest");
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var byAge = await ByAgeAsync(c);
        var oldestSide = byAge.Take(2).ToList();
        var otherSide = byAge.Skip(2).ToList();

        Partition(c, oldestSide, otherSide);

        await Task.WhenAll(otherSide.Select(n => n.Cluster.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(45))));
        await TestCluster.AgreeAsync(oldestSide, oldestSide, TimeSpan.FromSeconds(45));
        Assert.All(oldestSide, n => Assert.False(n.Cluster.IsTerminated));
    }

    [Fact]
    public async Task A_joining_node_becomes_WeaklyUp_while_an_unreachable_member_blocks_convergence_and_Up_once_it_is_back()
    {
        // SBR must not down the unreachable member: this test is about what happens while it is undecided.
        const string Extra = "clusterlb.cluster { allow-weakly-up-members = 1s, split-brain-resolver.stable-after = 120s }";
        await using var c = await TestCluster.StartAsync(3, extra: Extra);
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var cutOff = c.Nodes[2];
        var observer = c.Nodes[0];
        c.Faults.BlockAll(cutOff.NodeAddress);
        await Eventually.Until(async () =>
        {
            var s = await observer.StatusAsync();
            return (s.Members.Any(m => m.Uid == cutOff.Uid && !m.Reachable), TestCluster.Describe(s));
        }, "the cut-off member is unreachable");

        var joiner = await c.AddNodeAsync(extra: Extra);
        joiner.Cluster.JoinSeedNodes(c.Seeds);

        await Eventually.Until(async () =>
        {
            var s = await observer.StatusAsync();
            return (s.Members.Any(m => m.Uid == joiner.Uid && m.Status == "WeaklyUp") && !s.Convergence, TestCluster.Describe(s));
        }, "the joiner is WeaklyUp without convergence");

        c.Faults.Heal(cutOff.NodeAddress);
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes, TimeSpan.FromSeconds(45));
    }

    [Fact]
    public async Task Members_stay_Joining_until_min_nr_of_members_have_joined()
    {
        const string Extra = "clusterlb.cluster.min-nr-of-members = 3";
        await using var c = await TestCluster.StartAsync(2, extra: Extra);
        var (probe, events) = EventProbe.Start(c.Nodes[0].System, "probe");
        c.Nodes[0].Cluster.Subscribe(probe, InitialStateMode.InitialStateAsEvents, typeof(MemberJoined), typeof(MemberUp));
        c.JoinAll();
        await Eventually.Until(async () =>
        {
            var statuses = await Task.WhenAll(c.Nodes.Select(n => n.StatusAsync()));
            var ok = statuses.All(s => s.Members.Count == 2 && s.Convergence && s.Leader is not null && s.Members.All(m => m.Status == "Joining"));
            return (ok, string.Join(" / ", statuses.Select(TestCluster.Describe)));
        }, "two converged members, both still Joining");

        var third = await c.AddNodeAsync(extra: Extra);
        third.Cluster.JoinSeedNodes(c.Seeds);

        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var history = events.ToList();
        var thirdJoined = history.FindIndex(e => e is MemberJoined j && j.Member.UniqueAddress.Uid == third.Uid);
        var firstUp = history.FindIndex(e => e is MemberUp);
        Assert.True(thirdJoined >= 0 && firstUp > thirdJoined, "no member was Up before the third joined: " + string.Join(", ", history));
    }

    [Fact]
    public async Task A_node_bound_to_another_address_than_it_advertises_is_reached_by_the_advertised_one()
    {
        await using var c = await TestCluster.StartAsync(1);
        // One node binds every interface and advertises 127.0.0.1; another binds 127.0.0.1 and advertises localhost.
        var wildcard = await c.AddNodeAsync(extra: """clusterlb { remote.hostname = "0.0.0.0", cluster.public-hostname = "127.0.0.1" }""");
        var named = await c.AddNodeAsync(extra: """clusterlb.cluster.public-hostname = "localhost" """);
        Assert.Equal("127.0.0.1", wildcard.Address.Host);
        Assert.Equal("0.0.0.0", wildcard.Remoting.Transport.BoundEndPoint!.Address.ToString());
        Assert.Equal("localhost", named.Address.Host);
        Assert.Equal("127.0.0.1", named.Remoting.Transport.BoundEndPoint!.Address.ToString());

        c.JoinAll();

        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var status = await c.Nodes[0].StatusAsync();
        Assert.Contains(status.Members, m => m.Address == wildcard.Address.ToString());
        Assert.Contains(status.Members, m => m.Address == named.Address.ToString());
    }
}
