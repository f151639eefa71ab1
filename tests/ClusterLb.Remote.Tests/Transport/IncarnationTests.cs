using ClusterLb.Remote.Tests.Messages;
using ClusterLb.Remote.Tests.Support;
using ClusterLb.Remote.Wire;

namespace ClusterLb.Remote.Tests.Transport;

public sealed class IncarnationTests
{
    [Fact]
    public async Task A_peer_restarted_on_the_same_port_gets_its_old_uid_quarantined_and_its_new_uid_accepted()
    {
        await using var a = await TestNode.StartAsync();
        var b = await TestNode.StartAsync();
        a.Tell(b, new Ping { Seq = 1 });
        await Eventually.True(() => b.Sink.User.Count == 1, "the first incarnation received a message");
        var oldUid = b.Uid;
        var port = b.Transport.BoundEndPoint!.Port;
        await b.DisposeAsync();

        await using var b2 = await TestNode.StartAsync(TestNode.Settings(port: port));
        Assert.Equal(b.Address, b2.Address);
        Assert.NotEqual(oldUid, b2.Uid);
        await Eventually.True(() =>
        {
            a.Tell(b2, new Ping { Seq = 2 });
            return !b2.Sink.User.IsEmpty;
        }, "the new incarnation received a message");

        Assert.True(a.Transport.IsQuarantined(oldUid));
        Assert.False(a.Transport.IsQuarantined(b2.Uid));
        Assert.Equal(b2.Uid, a.Transport.PeerUid(b2.Address));
        var quarantined = Assert.Single(a.EventsOf<QuarantinedEvent>());
        Assert.Equal(oldUid, quarantined.Peer.Uid);
        Assert.Contains("new incarnation", quarantined.Reason);
    }

    [Fact]
    public async Task A_quarantined_uid_can_no_longer_talk_in_either_direction_and_is_told_so()
    {
        await using var a = await TestNode.StartAsync();
        await using var b = await TestNode.StartAsync();
        a.Tell(b, new Ping { Seq = 1 });
        b.Tell(a, new Ping { Seq = 1 });
        await Eventually.True(() => b.Sink.User.Count == 1 && a.Sink.User.Count == 1, "both directions are up");

        Assert.True(a.Transport.Quarantine(b.Address, b.Uid, "removed from the cluster"));
        Assert.False(a.Transport.Quarantine(b.Address, b.Uid));

        await Eventually.True(() => b.EventsOf<ThisNodeQuarantinedEvent>().Any(), "b learned it is quarantined");
        b.Tell(a, new Ping { Seq = 2 });
        a.Tell(b, new Ping { Seq = 2 });
        await Eventually.True(() =>
            b.EventsOf<HandshakeRefusedEvent>().Any(e => e.Reason == RefusalReason.Quarantined && e.RefusedByPeer)
            && a.EventsOf<HandshakeRefusedEvent>().Any(e => e.Reason == RefusalReason.Quarantined && !e.RefusedByPeer),
            "both reconnect attempts were refused as quarantined");

        Assert.Single(a.Sink.User);
        Assert.Single(b.Sink.User);
        Assert.Equal(1, a.Metrics.Quarantines);
        Assert.Equal("removed from the cluster", Assert.Single(a.EventsOf<QuarantinedEvent>()).Reason);
    }

    [Fact]
    public async Task After_an_explicit_quarantine_a_new_incarnation_on_the_same_port_is_accepted()
    {
        await using var a = await TestNode.StartAsync();
        var b = await TestNode.StartAsync();
        a.Tell(b, new Ping { Seq = 1 });
        await Eventually.True(() => b.Sink.User.Count == 1, "the association is up");
        a.Transport.Quarantine(b.Address, b.Uid);
        var port = b.Transport.BoundEndPoint!.Port;
        await b.DisposeAsync();

        await using var b2 = await TestNode.StartAsync(TestNode.Settings(port: port));
        await Eventually.True(() =>
        {
            a.Tell(b2, new Ping { Seq = 2 });
            return !b2.Sink.User.IsEmpty;
        }, "the new incarnation received a message");

        Assert.Equal(2, ((Ping)b2.Sink.User.First().Message).Seq);
    }

    [Fact]
    public async Task Pending_system_messages_for_a_quarantined_uid_are_discarded()
    {
        var faults = new ClusterLb.Remote.Transport.TransportFaults();
        await using var a = await TestNode.StartAsync(faults: faults);
        await using var b = await TestNode.StartAsync(faults: faults);
        a.Tell(b, new Ping { Seq = 1 });
        await Eventually.True(() => b.Sink.User.Count == 1, "the association is up");
        faults.Block(a.Address, b.Address);

        a.Transport.SendSystem(b.Address, b.Ref("watcher"), null, new Ping { Seq = 2 });
        Assert.Equal(1, a.Transport.GetAssociationState(b.Address)!.UnackedSystemMessages);
        a.Transport.Quarantine(b.Address, b.Uid);

        Assert.Equal(0, a.Transport.GetAssociationState(b.Address)!.UnackedSystemMessages);
    }
}
