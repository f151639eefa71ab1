using ClusterLb.Remote.Tests.Messages;
using ClusterLb.Remote.Tests.Support;
using ClusterLb.Remote.Transport;

namespace ClusterLb.Remote.Tests.Transport;

public sealed class FaultInjectionTests
{
    [Fact]
    public async Task Blocking_drops_traffic_and_healing_restores_it()
    {
        var faults = new TransportFaults();
        await using var a = await TestNode.StartAsync(faults: faults);
        await using var b = await TestNode.StartAsync(faults: faults);
        a.Tell(b, new Ping { Seq = 1 });
        await Eventually.True(() => b.Sink.User.Count == 1, "the association is up");

        faults.Block(a.Address, b.Address);
        a.Tell(b, new Ping { Seq = 2 });
        await Eventually.True(() => a.Metrics.DroppedByFault == 1, "the blocked frame was dropped");
        faults.Unblock(a.Address, b.Address);
        a.Tell(b, new Ping { Seq = 3 });

        await Eventually.True(() => b.Sink.User.Count == 2, "traffic flows again");
        // Same connection, same order: had the blocked message arrived it would precede 3.
        Assert.Equal(new long[] { 1, 3 }, b.Sink.User.Select(e => ((Ping)e.Message).Seq));
    }

    [Fact]
    public async Task Block_all_isolates_a_node_in_both_directions_until_healed()
    {
        var faults = new TransportFaults();
        await using var a = await TestNode.StartAsync(faults: faults);
        await using var b = await TestNode.StartAsync(faults: faults);
        a.Tell(b, new Ping { Seq = 1 });
        b.Tell(a, new Ping { Seq = 1 });
        await Eventually.True(() => b.Sink.User.Count == 1 && a.Sink.User.Count == 1, "both directions are up");

        faults.BlockAll(b.Address);
        a.Tell(b, new Ping { Seq = 2 });
        b.Tell(a, new Ping { Seq = 2 });
        await Eventually.True(() => a.Metrics.DroppedByFault >= 1 && b.Metrics.DroppedByFault >= 1, "both directions dropped");
        faults.Heal(b.Address);
        a.Tell(b, new Ping { Seq = 3 });
        b.Tell(a, new Ping { Seq = 3 });

        await Eventually.True(() => b.Sink.User.Count == 2 && a.Sink.User.Count == 2, "both directions flow again");
        Assert.Equal(new long[] { 1, 3 }, b.Sink.User.Select(e => ((Ping)e.Message).Seq));
        Assert.Equal(new long[] { 1, 3 }, a.Sink.User.Select(e => ((Ping)e.Message).Seq));
    }

    [Fact]
    public async Task System_messages_survive_a_dropped_connection_and_are_resent_on_reconnect()
    {
        var faults = new TransportFaults();
        var settings = TestNode.Settings() with { SystemMessageResendInterval = TimeSpan.FromHours(1) };
        await using var a = await TestNode.StartAsync(settings, faults);
        await using var b = await TestNode.StartAsync(faults: faults);
        a.Tell(b, new Ping { Seq = 0 });
        await Eventually.True(() => b.Sink.User.Count == 1, "the association is up");

        faults.Block(a.Address, b.Address);
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(SendOutcome.Enqueued, a.Transport.SendSystem(b.Address, b.Ref("watcher"), a.Ref("watchee"), new Ping { Seq = i }));
        }

        await Eventually.True(() => a.Metrics.DroppedByFault == 5, "the first transmissions were lost");
        faults.Unblock(a.Address, b.Address);
        Assert.Empty(b.Sink.System); // no timer resend within the hour: only a reconnect can deliver them
        a.Transport.AbortConnections(b.Address);

        await Eventually.True(() => b.Sink.System.Count == 5, "the reconnect resent every unacknowledged message");
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, b.Sink.System.Select(e => ((Ping)e.Message).Seq));
        await Eventually.True(() => a.Transport.GetAssociationState(b.Address)!.UnackedSystemMessages == 0, "b acknowledged them");
        Assert.Equal(2, a.EventsOf<AssociatedEvent>().Count(e => !e.Inbound));
    }

    [Fact]
    public async Task Resent_system_messages_are_delivered_exactly_once()
    {
        var faults = new TransportFaults();
        await using var a = await TestNode.StartAsync(faults: faults);
        await using var b = await TestNode.StartAsync(faults: faults);
        a.Tell(b, new Ping { Seq = 0 });
        await Eventually.True(() => b.Sink.User.Count == 1, "the association is up");

        faults.Block(b.Address, a.Address); // acks are lost, so a keeps resending
        for (var i = 1; i <= 3; i++)
        {
            a.Transport.SendSystem(b.Address, b.Ref("watcher"), null, new Ping { Seq = i });
        }

        await Eventually.True(() => b.Metrics.FramesReceived >= 1 + 3 + 6, "b received at least two resends of everything");
        Assert.Equal(new long[] { 1, 2, 3 }, b.Sink.System.Select(e => ((Ping)e.Message).Seq));
        Assert.Equal(3, a.Transport.GetAssociationState(b.Address)!.UnackedSystemMessages);

        faults.Unblock(b.Address, a.Address);
        await Eventually.True(() => a.Transport.GetAssociationState(b.Address)!.UnackedSystemMessages == 0, "the acks got through");
        Assert.Equal(3, b.Sink.System.Count);
    }
}
