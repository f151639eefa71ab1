using System.Net.Sockets;
using ClusterLb.Hocon;
using ClusterLb.Remote;
using ClusterLb.Remote.Transport;

namespace ClusterLb.Cluster.Tests.MultiNode;

[Collection(MultiNodeCollection.Name)]
public class NodeStartTests
{
    [Fact]
    public async Task A_cluster_that_fails_to_start_leaves_no_actor_system_and_no_listener_behind()
    {
        var config = ConfigFactory.ParseString(TestNode.Timings(0, "test-secret",
            "clusterlb.cluster.split-brain-resolver.active-strategy = keep-everyone")).Resolve();
        Remoting? started = null;

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            ClusterNode.StartAsync(config, new RemotingOptions { Faults = new TransportFaults() }, r => started = r, CancellationToken.None));

        Assert.Contains("active-strategy", error.Message);
        Assert.NotNull(started);
        await started.System.WhenTerminated.WaitAsync(Eventually.DefaultDeadline);
        await started.TransportClosed.WaitAsync(Eventually.DefaultDeadline);
        using var probe = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync("127.0.0.1", started.Transport.BoundEndPoint!.Port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task A_node_whose_system_terminates_closes_its_cluster_port()
    {
        var node = await TestNode.StartAsync(new TransportFaults());
        var port = node.Remoting.Transport.BoundEndPoint!.Port;

        await node.System.Terminate().WaitAsync(Eventually.DefaultDeadline);
        await node.Remoting.TransportClosed.WaitAsync(Eventually.DefaultDeadline);

        using var probe = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync("127.0.0.1", port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        await node.DisposeAsync(); // the node layer's own dispose after termination stays harmless
    }
}
