using ClusterLb.Remote.Tests.Messages;
using ClusterLb.Remote.Tests.Support;
using ClusterLb.Remote.Wire;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Remote.Tests.Transport;

public sealed class HandshakeTests
{
    [Fact]
    public async Task A_peer_with_the_wrong_secret_is_refused_and_both_sides_log_why()
    {
        await using var a = await TestNode.StartAsync(TestNode.Settings(secret: "wrong"));
        await using var b = await TestNode.StartAsync(TestNode.Settings(secret: "right"));

        a.Tell(b, new Ping { Seq = 1 });

        await Eventually.True(() => a.EventsOf<HandshakeRefusedEvent>().Any() && b.EventsOf<HandshakeRefusedEvent>().Any(), "both sides saw the refusal");
        var local = a.EventsOf<HandshakeRefusedEvent>().First();
        Assert.Equal(RefusalReason.SecretMismatch, local.Reason);
        Assert.False(local.RefusedByPeer);
        var remote = b.EventsOf<HandshakeRefusedEvent>().First();
        Assert.Equal(RefusalReason.SecretMismatch, remote.Reason);
        Assert.True(remote.RefusedByPeer);
        Assert.True(a.Logs.Contains(LogLevel.Warning, "clusterlb.remote.secret differs"));
        Assert.True(b.Logs.Contains(LogLevel.Warning, "refused by the peer: SecretMismatch"));
        Assert.Empty(b.Sink.User);
        Assert.Empty(a.EventsOf<AssociatedEvent>());
        Assert.Empty(b.EventsOf<AssociatedEvent>());
    }

    [Fact]
    public async Task The_secret_is_never_sent_on_the_wire()
    {
        const string secret = "a-very-recognisable-secret";
        await using var b = await TestNode.StartAsync(TestNode.Settings(secret: secret));
        using var raw = await RawPeer.ConnectAsync(b);
        await raw.WriteFrameAsync(Hello(b, version: RemoteSettings.CurrentProtocolVersion));

        var challenge = await ReadOneAsync(raw);

        Assert.Equal(WireFrame.PduOneofCase.Challenge, challenge.PduCase);
        Assert.DoesNotContain(secret, challenge.ToByteString().ToStringUtf8());
        Assert.Equal(32, challenge.Challenge.Proof.Length);
    }

    [Fact]
    public async Task A_peer_with_another_system_name_is_refused()
    {
        await using var a = await TestNode.StartAsync(TestNode.Settings(system: "other"));
        await using var b = await TestNode.StartAsync(TestNode.Settings(system: "test"));

        a.Transport.Send(b.Address, b.Ref("echo"), null, new Ping { Seq = 1 });

        await Eventually.True(() => a.EventsOf<HandshakeRefusedEvent>().Any() && b.EventsOf<HandshakeRefusedEvent>().Any(), "both sides saw the refusal");
        Assert.All(a.EventsOf<HandshakeRefusedEvent>().Concat(b.EventsOf<HandshakeRefusedEvent>()), e => Assert.Equal(RefusalReason.SystemNameMismatch, e.Reason));
        Assert.True(b.Logs.Contains(LogLevel.Warning, "this node's system is 'test', the peer's is 'other'"));
        Assert.Empty(b.Sink.User);
    }

    [Fact]
    public async Task A_peer_with_another_protocol_version_is_refused()
    {
        await using var a = await TestNode.StartAsync(TestNode.Settings() with { ProtocolVersion = 2 });
        await using var b = await TestNode.StartAsync();

        a.Tell(b, new Ping { Seq = 1 });

        await Eventually.True(() => a.EventsOf<HandshakeRefusedEvent>().Any() && b.EventsOf<HandshakeRefusedEvent>().Any(), "both sides saw the refusal");
        Assert.All(a.EventsOf<HandshakeRefusedEvent>().Concat(b.EventsOf<HandshakeRefusedEvent>()), e => Assert.Equal(RefusalReason.ProtocolVersionMismatch, e.Reason));
        Assert.True(b.Logs.Contains(LogLevel.Warning, "this node speaks protocol version 1, the peer 2"));
        Assert.True(a.Logs.Contains(LogLevel.Warning, "refused by the peer: ProtocolVersionMismatch"));
        Assert.Empty(b.Sink.User);
    }

    [Fact]
    public async Task A_raw_client_gets_the_refusal_reason_before_the_connection_closes()
    {
        await using var b = await TestNode.StartAsync();
        using var raw = await RawPeer.ConnectAsync(b);

        await raw.WriteFrameAsync(Hello(b, version: 99));
        var frames = await Eventually.Within(raw.ReadUntilClosedAsync(), "the node closed the connection");

        var refused = Assert.Single(frames).Refused;
        Assert.Equal(RefusalReason.ProtocolVersionMismatch, refused.Reason);
        Assert.Contains("99", refused.Detail);
    }

    [Fact]
    public async Task Messages_before_the_handshake_are_a_protocol_violation()
    {
        await using var b = await TestNode.StartAsync();
        using var raw = await RawPeer.ConnectAsync(b);

        await raw.WriteFrameAsync(new WireFrame { User = new UserEnvelope { Recipient = b.Ref("echo") } });
        var frames = await Eventually.Within(raw.ReadUntilClosedAsync(), "the node closed the connection");

        Assert.Equal(RefusalReason.ProtocolViolation, Assert.Single(frames).Refused.Reason);
        Assert.Empty(b.Sink.User);
    }

    [Fact]
    public async Task A_client_that_never_completes_the_handshake_is_dropped_after_the_timeout()
    {
        await using var b = await TestNode.StartAsync(TestNode.Settings() with { HandshakeTimeout = TimeSpan.FromMilliseconds(300) });
        using var raw = await RawPeer.ConnectAsync(b);

        var frames = await Eventually.Within(raw.ReadUntilClosedAsync(), "the node closed the silent connection");

        Assert.Empty(frames);
        await Eventually.True(() => b.Logs.Contains(LogLevel.Debug, "handshake timed out"), "the timeout was logged");
    }

    internal static WireFrame Hello(TestNode target, int version) => new()
    {
        Hello = new Hello
        {
            ProtocolVersion = version,
            Origin = new WireUniqueAddress { Address = new WireAddress { System = "test", Host = "127.0.0.1", Port = 1 }, Uid = 77 },
            Target = new WireAddress { System = target.Address.System, Host = target.Address.Host, Port = target.Address.Port },
            Nonce = ByteString.CopyFrom(new byte[32]),
        },
    };

    private static async Task<WireFrame> ReadOneAsync(RawPeer raw)
    {
        var header = new byte[4];
        await raw.Stream.ReadExactlyAsync(header);
        var body = new byte[System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header)];
        await raw.Stream.ReadExactlyAsync(body);
        return WireFrame.Parser.ParseFrom(body);
    }
}
