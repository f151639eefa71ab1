using System.Buffers.Binary;
using ClusterLb.Remote.Tests.Messages;
using ClusterLb.Remote.Tests.Support;
using ClusterLb.Remote.Transport;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Remote.Tests.Transport;

public sealed class InboundFrameTests
{
    [Fact]
    public async Task Garbage_bytes_close_only_that_connection_and_an_established_association_keeps_working()
    {
        await using var a = await TestNode.StartAsync();
        await using var b = await TestNode.StartAsync();
        a.Tell(b, new Ping { Seq = 1 });
        await Eventually.True(() => b.Sink.User.Count == 1, "the association is up");
        using var raw = await RawPeer.ConnectAsync(b);

        await raw.WriteAsync([0, 0, 0, 6, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0xFA]);
        await Eventually.Within(raw.ReadUntilClosedAsync(), "the node closed the garbage connection");
        a.Tell(b, new Ping { Seq = 2 });

        await Eventually.True(() => b.Sink.User.Count == 2, "the association still delivers");
        var rejected = Assert.Single(b.EventsOf<InboundFrameRejectedEvent>());
        Assert.Equal(FrameViolation.Malformed, rejected.Violation);
        Assert.Equal(1, b.Metrics.InboundFramesRejected);
        Assert.True(b.Logs.Contains(LogLevel.Warning, "Closing inbound connection"));
        Assert.True(a.Transport.GetAssociationState(b.Address)!.Connected);
    }

    [Fact]
    public async Task An_http_request_on_the_remoting_port_is_rejected_as_oversized()
    {
        await using var b = await TestNode.StartAsync();
        using var raw = await RawPeer.ConnectAsync(b);

        await raw.WriteAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        await Eventually.Within(raw.ReadUntilClosedAsync(), "the node closed the connection");

        await Eventually.True(() => b.EventsOf<InboundFrameRejectedEvent>().Any(), "the rejection was reported");
        Assert.Equal(FrameViolation.Oversized, b.EventsOf<InboundFrameRejectedEvent>().Single().Violation);
    }

    [Fact]
    public async Task An_oversized_length_prefix_closes_only_that_connection()
    {
        await using var a = await TestNode.StartAsync();
        await using var b = await TestNode.StartAsync();
        a.Tell(b, new Ping { Seq = 1 });
        await Eventually.True(() => b.Sink.User.Count == 1, "the association is up");
        using var raw = await RawPeer.ConnectAsync(b);
        var header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, b.Transport.Settings.MaximumFrameSize + 1);

        await raw.WriteAsync(header);
        await Eventually.Within(raw.ReadUntilClosedAsync(), "the node closed the connection");
        a.Tell(b, new Ping { Seq = 2 });

        await Eventually.True(() => b.Sink.User.Count == 2, "the association still delivers");
        var rejected = Assert.Single(b.EventsOf<InboundFrameRejectedEvent>());
        Assert.Equal(FrameViolation.Oversized, rejected.Violation);
        Assert.Contains("exceeds maximum-frame-size", rejected.Detail);
    }
}
