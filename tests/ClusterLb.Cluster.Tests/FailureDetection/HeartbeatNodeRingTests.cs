using ClusterLb.Cluster.FailureDetection;
using static ClusterLb.Cluster.Tests.TestNodes;

namespace ClusterLb.Cluster.Tests.FailureDetection;

public class HeartbeatNodeRingTests
{
    private static readonly UniqueAddress[] Nodes = Enumerable.Range(1, 10).Select(i => Node($"10.0.0.{i}")).ToArray();

    [Fact]
    public void Each_node_monitors_the_next_n_nodes_on_the_ring()
    {
        var ring = new HeartbeatNodeRing(Nodes[0], Nodes, [], 5);
        foreach (var n in Nodes)
        {
            var receivers = ring.Receivers(n);
            Assert.Equal(5, receivers.Count);
            Assert.DoesNotContain(n, receivers);
            var i = ring.Ring.IndexOf(n);
            Assert.Equal(Enumerable.Range(1, 5).Select(k => ring.Ring[(i + k) % 10]), receivers);
        }
    }

    [Fact]
    public void Every_node_is_monitored_by_exactly_n_nodes()
    {
        var ring = new HeartbeatNodeRing(Nodes[0], Nodes, [], 5);
        foreach (var n in Nodes)
            Assert.Equal(5, Nodes.Count(o => ring.Receivers(o).Contains(n)));
    }

    [Fact]
    public void Small_clusters_monitor_everyone_else()
    {
        var three = Nodes.Take(3).ToArray();
        var ring = new HeartbeatNodeRing(three[0], three, [], 5);
        Assert.Equal(2, ring.MyReceivers.Count);
        Assert.Empty(new HeartbeatNodeRing(Nodes[0], [], [], 5).MyReceivers);
    }

    [Fact]
    public void Unreachable_nodes_stay_monitored_but_do_not_count()
    {
        var plain = new HeartbeatNodeRing(Nodes[0], Nodes, [], 3);
        var next = plain.MyReceivers[0];
        var ring = new HeartbeatNodeRing(Nodes[0], Nodes, [next], 3);
        var receivers = ring.MyReceivers;
        Assert.Equal(4, receivers.Count);
        Assert.Contains(next, receivers);
        Assert.Equal(3, receivers.Count(r => r != next));
    }

    [Fact]
    public void Ring_order_is_the_same_for_every_observer_and_every_process()
    {
        var a = new HeartbeatNodeRing(Nodes[0], Nodes, [], 5).Ring;
        var b = new HeartbeatNodeRing(Nodes[7], Nodes.Reverse(), [], 5).Ring;
        Assert.Equal(a.ToArray(), b.ToArray());
        // FNV-1a of the text, not string.GetHashCode (randomized per process).
        Assert.Equal(HeartbeatNodeRing.Hash(Node("10.0.0.1")), HeartbeatNodeRing.Hash(Node("10.0.0.1")));
        Assert.Equal(0x4fbad9f4u, HeartbeatNodeRing.Hash(Node("10.0.0.1"))); // "clb://test@10.0.0.1:2552#1" computed independently
    }

    [Fact]
    public void Invalid_monitor_count_is_rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeartbeatNodeRing(Nodes[0], Nodes, [], 0));
}
