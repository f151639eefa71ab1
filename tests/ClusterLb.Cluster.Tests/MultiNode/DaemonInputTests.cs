using ClusterLb.Cluster.Wire;

namespace ClusterLb.Cluster.Tests.MultiNode;

[Collection(MultiNodeCollection.Name)]
public class DaemonInputTests
{
    [Fact]
    public async Task Malformed_cluster_messages_are_dropped_and_the_node_keeps_working_and_a_remote_Leave_is_applied()
    {
        await using var c = await TestCluster.StartAsync(2);
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var victim = c.Nodes[0];
        var daemonOnPeer = c.Nodes[1].Remoting.Resolve($"{victim.Address}/system/cluster");

        daemonOnPeer.Tell(new WireHeartbeat { SequenceNr = 1 });                                  // no sender node
        daemonOnPeer.Tell(new WireGossipEnvelope { From = new WireNode { System = "x" } });      // invalid node
        var badIndex = GossipCodec.Encode(global::ClusterLb.Cluster.Gossip.Empty);
        badIndex.Seen.Add(5);
        daemonOnPeer.Tell(new WireWelcome { From = ClusterMessageCodec.Node(c.Nodes[1].Cluster.SelfUniqueAddress), Gossip = badIndex });
        daemonOnPeer.Tell(new WireLeave { Address = "not an address" });

        // Delivery is ordered per peer: a valid operator Leave after the junk proves the junk was read and survived.
        daemonOnPeer.Tell(new WireLeave { Address = c.Nodes[1].Address.ToString() });

        await c.Nodes[1].Cluster.WhenTerminated.WaitAsync(Eventually.DefaultDeadline);
        await TestCluster.AgreeAsync([victim], [victim]);
        var status = await victim.StatusAsync();
        Assert.False(status.Terminated);
        Assert.Equal(victim.Address.ToString(), status.Leader);
    }
}
