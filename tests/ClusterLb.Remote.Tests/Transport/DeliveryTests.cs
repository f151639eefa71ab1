using ClusterLb.Remote.Tests.Messages;
using ClusterLb.Remote.Tests.Support;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Remote.Tests.Transport;

public sealed class DeliveryTests
{
    [Fact]
    public async Task Ten_thousand_messages_arrive_in_order()
    {
        await using var a = await TestNode.StartAsync();
        await using var b = await TestNode.StartAsync();
        const int count = 10_000;

        for (var i = 0; i < count; i++)
        {
            Assert.Equal(SendOutcome.Enqueued, a.Tell(b, new Ping { Seq = i }));
        }

        await Eventually.True(() => b.Sink.User.Count == count, $"{count} messages arrived");
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), b.Sink.User.Select(e => ((Ping)e.Message).Seq));
        Assert.All(b.Sink.User, e => Assert.Equal(a.Transport.LocalAddress, e.From));
        Assert.Equal($"{a.Address}/user/sender", b.Sink.User.First().Sender!.Path);
    }

    [Fact]
    public async Task Three_nodes_each_keep_per_sender_order()
    {
        await using var a = await TestNode.StartAsync();
        await using var b = await TestNode.StartAsync();
        await using var c = await TestNode.StartAsync();
        const int count = 3_000;

        for (var i = 0; i < count; i++)
        {
            a.Tell(c, new Ping { Seq = i, Text = "a" });
            b.Tell(c, new Ping { Seq = i, Text = "b" });
            c.Tell(a, new Ping { Seq = i, Text = "c" });
        }

        await Eventually.True(() => c.Sink.User.Count == 2 * count && a.Sink.User.Count == count, "every message arrived");
        foreach (var origin in new[] { "a", "b" })
        {
            var seqs = c.Sink.User.Select(e => (Ping)e.Message).Where(p => p.Text == origin).Select(p => p.Seq);
            Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), seqs);
        }

        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), a.Sink.User.Select(e => ((Ping)e.Message).Seq));
    }

    [Fact]
    public async Task Replies_flow_back_over_the_reverse_association()
    {
        await using var a = await TestNode.StartAsync();
        await using var b = await TestNode.StartAsync();
        b.Sink.OnUser = envelope =>
        {
            var ping = (Ping)envelope.Message;
            b.Transport.Send(envelope.From.Address, envelope.Sender!, envelope.Recipient, new Pong { Seq = ping.Seq, Text = "pong" });
        };

        a.Tell(b, new Ping { Seq = 9 });

        await Eventually.True(() => a.Sink.User.Count == 1, "the reply arrived");
        Assert.Equal(new Pong { Seq = 9, Text = "pong" }, a.Sink.User.Single().Message);
        Assert.Equal($"{a.Address}/user/sender", a.Sink.User.Single().Recipient.Path);
    }

    [Fact]
    public async Task Oversized_outbound_message_is_dropped_logged_and_counted_while_the_association_stays_up()
    {
        await using var a = await TestNode.StartAsync();
        await using var b = await TestNode.StartAsync();
        a.Tell(b, new Ping { Seq = 1 });
        await Eventually.True(() => b.Sink.User.Count == 1, "the first message arrived");

        var huge = new Ping { Seq = 2, Blob = ByteString.CopyFrom(new byte[200_000]) };
        Assert.Equal(SendOutcome.DroppedOversized, a.Tell(b, huge));
        a.Tell(b, new Ping { Seq = 3 });

        await Eventually.True(() => b.Sink.User.Count == 2, "the message after the oversized one arrived");
        Assert.Equal(new long[] { 1, 3 }, b.Sink.User.Select(e => ((Ping)e.Message).Seq));
        Assert.Equal(1, a.Metrics.DroppedOversized);
        Assert.True(a.Logs.Contains(LogLevel.Error, "Dropping oversized message clusterlb.remote.tests.Ping"));
        Assert.True(a.Logs.Contains(LogLevel.Error, b.Ref("echo").Path));
        Assert.True(a.Transport.GetAssociationState(b.Address)!.Connected);
    }

    [Fact]
    public async Task A_message_that_cannot_be_serialized_is_logged_and_dropped_not_thrown()
    {
        await using var a = await TestNode.StartAsync();
        await using var b = await TestNode.StartAsync();

        Assert.Equal(SendOutcome.DroppedUnserializable, a.Tell(b, new { NotProtobuf = true }));
        a.Tell(b, new Ping { Seq = 1 });

        await Eventually.True(() => b.Sink.User.Count == 1, "the next message arrived");
        Assert.Equal(1, a.Metrics.DroppedUnserializable);
        Assert.True(a.Logs.Contains(LogLevel.Error, "not a protobuf message"));
    }

    [Fact]
    public async Task An_unregistered_manifest_is_dropped_by_the_receiver_and_later_messages_still_arrive()
    {
        await using var a = await TestNode.StartAsync();
        await using var b = await TestNode.StartAsync();

        a.Tell(b, new Wire.Accepted());
        a.Tell(b, new Ping { Seq = 1 });

        await Eventually.True(() => b.Sink.User.Count == 1, "the registered message arrived");
        Assert.Equal(1, b.Metrics.DroppedUnknownManifest);
        Assert.True(b.Logs.Contains(LogLevel.Warning, "no message type is registered for manifest 'clusterlb.remote.Accepted'"));
    }

    [Fact]
    public async Task Public_hostname_is_advertised_and_messages_addressed_to_it_are_local()
    {
        // The docker pitfall: bind one address, advertise the name peers can reach.
        await using var b = await TestNode.StartAsync(TestNode.Settings() with { Hostname = "127.0.0.1", PublicHostname = "localhost" });
        await using var a = await TestNode.StartAsync();

        Assert.Equal("localhost", b.Address.Host);
        Assert.True(b.Transport.IsLocalAddress(b.Address));
        Assert.True(b.Transport.IsLocalAddress(new NodeAddress("test", "127.0.0.1", b.Transport.BoundEndPoint!.Port)));

        a.Tell(b, new Ping { Seq = 1 });

        await Eventually.True(() => b.Sink.User.Count == 1, "the message to the public address arrived");
    }

    [Fact]
    public async Task A_message_for_another_node_is_dropped_as_non_local()
    {
        await using var a = await TestNode.StartAsync();
        await using var b = await TestNode.StartAsync();
        var elsewhere = new Wire.ActorRefData { Path = "clb://test@10.9.9.9:1/user/echo" };

        a.Transport.Send(b.Address, elsewhere, null, new Ping { Seq = 1 });
        a.Tell(b, new Ping { Seq = 2 });

        await Eventually.True(() => b.Sink.User.Count == 1, "the correctly addressed message arrived");
        Assert.Equal(2, ((Ping)b.Sink.User.Single().Message).Seq);
        Assert.Equal(1, b.Metrics.DroppedNonLocalRecipient);
        Assert.True(b.Logs.Contains(LogLevel.Warning, "is not on this node"));
    }

    [Fact]
    public async Task A_full_outbound_queue_drops_new_messages_and_counts_them()
    {
        var faults = new ClusterLb.Remote.Transport.TransportFaults();
        await using var a = await TestNode.StartAsync(TestNode.Settings() with { OutboundQueueSize = 5 }, faults);
        await using var b = await TestNode.StartAsync(faults: faults);
        faults.BlockAll(b.Address); // the handshake cannot finish, so messages wait in the queue

        var outcomes = Enumerable.Range(0, 8).Select(i => a.Tell(b, new Ping { Seq = i })).ToList();

        Assert.Equal(5, outcomes.Count(o => o == SendOutcome.Enqueued));
        Assert.Equal(3, outcomes.Count(o => o == SendOutcome.DroppedQueueFull));
        Assert.Equal(3, a.Metrics.DroppedQueueFull);
    }

    [Fact]
    public async Task Sending_to_its_own_address_delivers_locally()
    {
        await using var a = await TestNode.StartAsync();

        Assert.Equal(SendOutcome.DeliveredLocally, a.Tell(a, new Ping { Seq = 1 }));
        Assert.Single(a.Sink.User);
    }
}

public sealed class LifecycleTests
{
    [Fact]
    public async Task Binding_a_taken_port_fails_clearly_and_the_transport_can_still_be_disposed()
    {
        await using var a = await TestNode.StartAsync();
        var second = new RemoteTransport(TestNode.Settings(port: a.Transport.BoundEndPoint!.Port), new CollectingSink());

        await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => second.StartAsync());
        await second.DisposeAsync();
    }

    [Fact]
    public async Task A_stopped_transport_drops_sends_instead_of_throwing()
    {
        var a = await TestNode.StartAsync();
        await using var b = await TestNode.StartAsync();
        await a.DisposeAsync();

        Assert.Equal(SendOutcome.DroppedStopped, a.Tell(b, new Ping()));
    }
}
