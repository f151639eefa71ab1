using System.Net;
using System.Net.Sockets;
using ClusterLb.Remote.Tests.Messages;
using ClusterLb.Remote.Tests.Support;

namespace ClusterLb.Remote.Tests.Transport;

public sealed class GateTests
{
    [Fact]
    public async Task Repeated_connection_failures_close_the_gate_and_it_reopens_when_the_peer_appears()
    {
        // A gate long enough that the send right after the gate event cannot race its reopening.
        await using var a = await TestNode.StartAsync(TestNode.Settings() with { RetryGateClosedFor = TimeSpan.FromSeconds(2) });
        var port = FreePort();
        var target = new NodeAddress("test", "127.0.0.1", port);
        var recipient = new Wire.ActorRefData { Path = $"{target}/user/echo" };

        a.Transport.Send(target, recipient, null, new Ping { Seq = 1 });
        await Eventually.True(() => a.EventsOf<AssociationGatedEvent>().Any(), "the gate closed after repeated failures");
        var whileGated = a.Transport.Send(target, recipient, null, new Ping { Seq = 2 });

        await using var b = await TestNode.StartAsync(TestNode.Settings(port: port));
        await Eventually.True(() =>
        {
            a.Transport.Send(target, recipient, null, new Ping { Seq = 3 });
            return !b.Sink.User.IsEmpty;
        }, "messages flow once the gate reopens and the peer listens");

        Assert.Equal(SendOutcome.DroppedGated, whileGated);
        Assert.True(a.Metrics.DroppedGated >= 2, "the queued message and the one sent while gated were counted");
        Assert.All(b.Sink.User, e => Assert.Equal(3, ((Ping)e.Message).Seq));
    }

    [Fact]
    public async Task A_peer_that_connects_to_us_lifts_the_gate_before_it_expires()
    {
        // A gate far longer than the test's deadline: only the early opening can let the reply through.
        await using var a = await TestNode.StartAsync(TestNode.Settings() with { RetryGateClosedFor = TimeSpan.FromMinutes(10) });
        var port = FreePort();
        var target = new NodeAddress("test", "127.0.0.1", port);
        var recipient = new Wire.ActorRefData { Path = $"{target}/user/echo" };
        a.Transport.Send(target, recipient, null, new Ping { Seq = 1 });
        await Eventually.True(() => a.EventsOf<AssociationGatedEvent>().Any(), "the gate closed after repeated failures");
        Assert.Equal(SendOutcome.DroppedGated, a.Transport.Send(target, recipient, null, new Ping { Seq = 2 }));

        // The peer starts on the gated address and speaks first, as a restarted seed does with its InitJoin.
        await using var b = await TestNode.StartAsync(TestNode.Settings(port: port));
        b.Tell(a, new Ping { Seq = 10 });
        await Eventually.True(() => !a.Sink.User.IsEmpty, "the peer's message arrived");

        await Eventually.True(() =>
        {
            a.Transport.Send(target, recipient, null, new Ping { Seq = 3 });
            return !b.Sink.User.IsEmpty;
        }, "the reply goes through long before the gate would have expired");
        Assert.False(a.Transport.GetAssociationState(target)?.Gated ?? true, "the association is no longer gated");
    }

    [Fact]
    public async Task A_refused_handshake_closes_the_gate_at_once()
    {
        await using var a = await TestNode.StartAsync(TestNode.Settings(secret: "one"));
        await using var b = await TestNode.StartAsync(TestNode.Settings(secret: "two"));

        a.Tell(b, new Ping { Seq = 1 });

        await Eventually.True(() => a.EventsOf<AssociationGatedEvent>().Any(), "the gate closed");
        Assert.Single(a.EventsOf<HandshakeRefusedEvent>());
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
