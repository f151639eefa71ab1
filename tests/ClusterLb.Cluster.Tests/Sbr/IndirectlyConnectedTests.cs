using ClusterLb.Cluster.Sbr;
using static ClusterLb.Cluster.Tests.Sbr.SbrTestViews;

namespace ClusterLb.Cluster.Tests.Sbr;

public class IndirectlyConnectedTests
{
    private static SbrWorldView ViewWith(string self, Reachability r, params string[] seenBy) =>
        new(N(self), Five(), r, seenBy.Select(N));

    [Fact]
    public void Nodes_that_cannot_reach_each_other_but_both_reach_the_rest_are_downed()
    {
        // a and b cannot talk to each other; both still talk to c, d, e.
        var r = Reachability.Empty.Unreachable(N("a"), N("b")).Unreachable(N("b"), N("a"));
        var v = ViewWith("c", r);
        Assert.Equal(["a", "b"], Hosts(v.IndirectlyConnected));
        var s = new KeepMajority();
        Assert.Equal(SbrDecision.DownIndirectlyConnected, s.Decide(v));
        Assert.Equal(["a", "b"], Hosts(s.NodesToDown(v, SbrDecision.DownIndirectlyConnected)));
    }

    [Fact]
    public void A_node_reported_unreachable_that_has_seen_the_current_gossip_is_indirectly_connected()
    {
        // Only a reports e unreachable, yet e has seen the latest gossip (through someone else).
        var r = Reachability.Empty.Unreachable(N("a"), N("e"));
        var v = ViewWith("c", r, "c", "e");
        Assert.Equal(["a", "e"], Hosts(v.IndirectlyConnected));
        Assert.Equal(["a", "e"], Hosts(new KeepMajority().NodesToDown(v, SbrDecision.DownIndirectlyConnected)));
        // The same record after a clean crash (e never saw it) is an ordinary unreachable node.
        Assert.Empty(ViewWith("c", r, "c").IndirectlyConnected);
    }

    [Fact]
    public void Indirectly_connected_nodes_are_downed_together_with_the_minority_of_a_clean_split()
    {
        // a<->b cut (indirect), and e crashed (observed by c only, never saw the gossip).
        var r = Reachability.Empty.Unreachable(N("a"), N("b")).Unreachable(N("b"), N("a")).Unreachable(N("c"), N("e"));
        var v = ViewWith("c", r, "c");
        Assert.Equal(["a", "b", "e"], Hosts(new KeepMajority().NodesToDown(v, SbrDecision.DownIndirectlyConnected)));
        Assert.Equal(["a", "b", "e"], Hosts(new StaticQuorum(3).NodesToDown(v, SbrDecision.DownIndirectlyConnected)));
    }

    [Fact]
    public void Clean_partitions_are_never_indirectly_connected()
    {
        var v = View("a", Five(), "d", "e");
        Assert.False(v.HasIndirectlyConnected);
    }
}
