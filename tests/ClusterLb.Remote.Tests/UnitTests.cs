using ClusterLb.Remote.Associations;
using ClusterLb.Remote.Handshake;
using ClusterLb.Remote.Serialization;
using ClusterLb.Remote.Tests.Messages;
using ClusterLb.Remote.Wire;
using Google.Protobuf;

namespace ClusterLb.Remote.Tests;

public sealed class HandshakeProofTests
{
    [Fact]
    public void Proofs_depend_on_secret_role_nonces_and_uids()
    {
        var a = new HandshakeProof("one");
        var b = new HandshakeProof("two");
        var n1 = HandshakeProof.NewNonce();
        var n2 = HandshakeProof.NewNonce();

        var acceptor = a.Acceptor(n1, n2, 1, 2);

        Assert.True(HandshakeProof.Matches(acceptor, a.Acceptor(n1, n2, 1, 2)));
        Assert.False(HandshakeProof.Matches(acceptor, b.Acceptor(n1, n2, 1, 2)));
        Assert.False(HandshakeProof.Matches(acceptor, a.Initiator(n1, n2, 1, 2)));
        Assert.False(HandshakeProof.Matches(acceptor, a.Acceptor(n2, n1, 1, 2)));
        Assert.False(HandshakeProof.Matches(acceptor, a.Acceptor(n1, n2, 1, 3)));
        Assert.False(HandshakeProof.Matches(acceptor, acceptor[..16]));
    }
}

public sealed class ReconnectBackoffTests
{
    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 100)]
    [InlineData(2, 200)]
    [InlineData(4, 800)]
    [InlineData(6, 2000)]
    [InlineData(200, 2000)]
    public void Doubles_from_min_up_to_max(int failures, int expectedMs)
    {
        var delay = ReconnectBackoff.Delay(failures, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), delay);
    }
}

public sealed class SystemMessageDeliveryTests
{
    [Fact]
    public void Buffer_numbers_messages_and_forgets_them_when_acked()
    {
        var buffer = new SystemMessageBuffer(10);
        for (var i = 0; i < 5; i++)
        {
            Assert.True(buffer.TryAdd(new SystemEnvelope()));
        }

        Assert.Equal(new ulong[] { 1, 2, 3, 4, 5 }, buffer.TakeUnsent().Select(f => f.System.Seq));
        Assert.Empty(buffer.TakeUnsent());

        buffer.Ack(3);

        Assert.Equal(new ulong[] { 4, 5 }, buffer.TakeAllUnacked().Select(f => f.System.Seq));
        Assert.Equal(2, buffer.Count);
    }

    [Fact]
    public void Buffer_refuses_beyond_capacity_and_restarts_numbering_after_reset()
    {
        var buffer = new SystemMessageBuffer(2);
        Assert.True(buffer.TryAdd(new SystemEnvelope()));
        Assert.True(buffer.TryAdd(new SystemEnvelope()));
        Assert.False(buffer.TryAdd(new SystemEnvelope()));

        Assert.Equal(2, buffer.Reset());
        var envelope = new SystemEnvelope();
        Assert.True(buffer.TryAdd(envelope));
        Assert.Equal(1UL, envelope.Seq);
    }

    [Fact]
    public void Inbox_delivers_each_sequence_number_once_and_in_order()
    {
        var inbox = new SystemMessageInbox();

        Assert.False(inbox.TryAccept(2));
        Assert.True(inbox.TryAccept(1));
        Assert.False(inbox.TryAccept(1));
        Assert.True(inbox.TryAccept(2));
        Assert.Equal(2UL, inbox.CumulativeAck);
    }
}

public sealed class MessageSerializerTests
{
    private readonly MessageSerializer _serializer = new MessageSerializer().Register(TestMessagesReflection.Descriptor);

    [Fact]
    public void Round_trips_a_registered_message_by_descriptor_name()
    {
        Assert.True(_serializer.TrySerialize(new Ping { Seq = 5, Text = "hi" }, out var payload, out _));
        Assert.Equal("clusterlb.remote.tests.Ping", payload.Manifest);

        Assert.True(_serializer.TryDeserialize(payload, out var message, out _));
        Assert.Equal(new Ping { Seq = 5, Text = "hi" }, message);
    }

    [Fact]
    public void Refuses_a_message_that_is_not_protobuf_with_a_reason()
    {
        Assert.False(_serializer.TrySerialize("plain string", out _, out var error));
        Assert.Contains("not a protobuf message", error);
    }

    [Fact]
    public void Refuses_an_unknown_manifest_and_invalid_bytes()
    {
        Assert.False(_serializer.TryDeserialize(new Payload { Manifest = "nope.Missing" }, out _, out var unknown));
        Assert.Contains("nope.Missing", unknown);

        var garbage = new Payload { Manifest = Ping.Descriptor.FullName, Data = ByteString.CopyFrom(0xFF, 0xFF, 0xFF) };
        Assert.False(_serializer.TryDeserialize(garbage, out _, out var invalid));
        Assert.Contains("invalid", invalid);
    }

    [Fact]
    public void Knows_the_remote_death_watch_messages_out_of_the_box()
    {
        Assert.True(new MessageSerializer().IsRegistered(RemoteWatch.Descriptor.FullName));
    }
}

public sealed class RemoteSettingsTests
{
    [Fact]
    public void Defaults_follow_akka()
    {
        var settings = new RemoteSettings().Validate();

        Assert.Equal(128 * 1024, settings.MaximumFrameSize);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.RetryGateClosedFor);
        Assert.Equal(TimeSpan.FromSeconds(15), settings.HandshakeTimeout);
    }

    [Fact]
    public void Rejects_a_frame_size_below_akkas_floor_naming_the_key()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RemoteSettings { MaximumFrameSize = 1000 }.Validate());

        Assert.Contains("clusterlb.remote.maximum-frame-size", ex.Message);
    }
}
