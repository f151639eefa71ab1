using System.Buffers;
using System.Buffers.Binary;
using ClusterLb.Remote.Transport;
using ClusterLb.Remote.Wire;
using Google.Protobuf;

namespace ClusterLb.Remote.Tests;

public sealed class FrameDecoderTests
{
    private const int Max = 64 * 1024;

    [Fact]
    public void Decodes_a_frame_and_advances_past_it()
    {
        var bytes = Encode(new WireFrame { Ack = new SystemAck { CumulativeSeq = 7 } });
        var buffer = new ReadOnlySequence<byte>(bytes.Concat(new byte[] { 1, 2 }).ToArray());

        var status = FrameDecoder.TryDecode(ref buffer, Max, out var frame, out _);

        Assert.Equal(DecodeStatus.Frame, status);
        Assert.Equal(7UL, frame!.Ack.CumulativeSeq);
        Assert.Equal(2, buffer.Length);
    }

    [Fact]
    public void Decodes_a_frame_split_across_segments()
    {
        var bytes = Encode(new WireFrame { Ack = new SystemAck { CumulativeSeq = 42 } });
        var buffer = Segmented(bytes[..2], bytes[2..5], bytes[5..]);

        Assert.Equal(DecodeStatus.Frame, FrameDecoder.TryDecode(ref buffer, Max, out var frame, out _));
        Assert.Equal(42UL, frame!.Ack.CumulativeSeq);
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void Waits_for_the_rest_of_a_partial_frame_without_consuming()
    {
        var bytes = Encode(new WireFrame { Ack = new SystemAck { CumulativeSeq = 1 } });
        var buffer = new ReadOnlySequence<byte>(bytes[..^1]);

        Assert.Equal(DecodeStatus.NeedMoreData, FrameDecoder.TryDecode(ref buffer, Max, out _, out _));
        Assert.Equal(bytes.Length - 1, buffer.Length);

        var header = new ReadOnlySequence<byte>(bytes[..3]);
        Assert.Equal(DecodeStatus.NeedMoreData, FrameDecoder.TryDecode(ref header, Max, out _, out _));
    }

    [Fact]
    public void Rejects_a_length_prefix_above_the_maximum_before_reading_the_body()
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, Max + 1);
        var buffer = new ReadOnlySequence<byte>(header);

        Assert.Equal(DecodeStatus.Oversized, FrameDecoder.TryDecode(ref buffer, Max, out _, out var error));
        Assert.Contains("exceeds maximum-frame-size", error);
    }

    [Fact]
    public void Rejects_a_negative_looking_length_as_oversized()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF });

        Assert.Equal(DecodeStatus.Oversized, FrameDecoder.TryDecode(ref buffer, Max, out _, out _));
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 3, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0, 0, 0, 2, 0x08, 0x01 })]
    public void Rejects_empty_invalid_or_unknown_frames_as_malformed(byte[] bytes)
    {
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Equal(DecodeStatus.Malformed, FrameDecoder.TryDecode(ref buffer, Max, out var frame, out var error));
        Assert.Null(frame);
        Assert.False(string.IsNullOrEmpty(error));
    }

    private static byte[] Encode(WireFrame frame)
    {
        var body = frame.ToByteArray();
        var bytes = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, body.Length);
        body.CopyTo(bytes, 4);
        return bytes;
    }

    private static ReadOnlySequence<byte> Segmented(params byte[][] parts)
    {
        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            last = last.Append(part);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
