using System.Net.Sockets;
using ClusterLb.Actors;
using ClusterLb.Remote.Tests.Messages;
using ClusterLb.Remote.Tests.Support;

namespace ClusterLb.Remote.Tests.Actors;

public sealed class RemotingLifecycleTests
{
    [Fact]
    public async Task Terminating_the_actor_system_closes_the_listener_and_the_connections_and_a_later_dispose_is_harmless()
    {
        await using var a = await RemoteSystems.StartAsync();
        var b = await RemoteSystems.StartAsync();
        b.System.ActorOf(Props.Create(() => new EchoActor()), "echo");
        await a.RemoteUser(b, "echo").Ask<Pong>(new Ping { Seq = 1 }, TimeSpan.FromSeconds(20));
        Assert.True(a.Transport.GetAssociationState(b.Address())?.Connected);
        var port = b.Transport.BoundEndPoint!.Port;

        await b.System.Terminate();
        await Eventually.Within(b.TransportClosed.ContinueWith(_ => true), "the transport closed after the system terminated");

        using var probe = new TcpClient();
        var refused = await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync("127.0.0.1", port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        await Eventually.True(() => a.Transport.GetAssociationState(b.Address())?.Connected == false, "a saw its connection to b close");

        // The node layer also disposes on termination: a second (and third) close must neither throw nor hang.
        Assert.True(await Eventually.Within(b.DisposeAsync().AsTask().ContinueWith(t => t.IsCompletedSuccessfully), "a second dispose completed"));
        await b.Transport.DisposeAsync();
    }
}
