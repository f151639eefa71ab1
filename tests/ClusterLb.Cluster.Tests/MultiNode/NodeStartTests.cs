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

    [Fact]
    public async Task A_cluster_node_without_a_secret_refuses_to_start_and_names_the_keys()
    {
        var config = ConfigFactory.ParseString(TestNode.Timings(0, "")).Resolve();
        Remoting? started = null;

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            ClusterNode.StartAsync(config, new RemotingOptions { Faults = new TransportFaults() }, r => started = r, CancellationToken.None));

        Assert.Contains("clusterlb.cluster.secret", error.Message);
        Assert.Contains("clusterlb.cluster.allow-unauthenticated = on", error.Message);
        Assert.Null(started); // refused before anything was bound or created
    }

    [Fact]
    public async Task Allow_unauthenticated_starts_a_node_without_a_secret_with_a_warning()
    {
        var logs = new CapturedLogs();
        await using var node = await TestNode.StartAsync(new TransportFaults(), secret: "", extra: "clusterlb.cluster.allow-unauthenticated = on", logs: logs);

        Assert.Equal("", node.Remoting.Transport.Settings.Secret);
        Assert.Contains(logs.Lines, l => l.Contains("allow-unauthenticated = on and no cluster secret", StringComparison.Ordinal));
    }

    [Fact]
    public void The_cluster_secret_wins_over_the_remote_one_and_an_empty_one_does_not()
    {
        static string SecretOf(string hocon) => ClusterNode.RemoteSettingsFor(ConfigFactory.ParseString(hocon).Resolve()).Secret;

        Assert.Equal("from-cluster", SecretOf("clusterlb { remote.secret = from-remote, cluster.secret = from-cluster }"));
        Assert.Equal("from-remote", SecretOf("clusterlb { remote.secret = from-remote, cluster.secret = \"\" }"));
        Assert.Equal("from-remote", SecretOf("clusterlb.remote.secret = from-remote"));
    }

    [Fact]
    public async Task Nodes_whose_secrets_come_from_different_keys_but_match_form_a_cluster()
    {
        await using var c = await TestCluster.StartAsync(1);
        var other = await c.AddNodeAsync(secret: "", extra: "clusterlb.cluster.secret = \"test-secret\"");
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        Assert.Equal("test-secret", other.Remoting.Transport.Settings.Secret);
    }
}
