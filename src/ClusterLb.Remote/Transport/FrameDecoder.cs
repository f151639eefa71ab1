using System.Buffers;
using System.Buffers.Binary;
using ClusterLb.Remote.Wire;
using Google.Protobuf;

namespace ClusterLb.Remote.Transport;

/// <summary>Decodes one 4-byte big-endian length-prefixed <see cref="WireFrame"/> from a byte sequence.</summary>
internal static class FrameDecoder
{
    /// <summary>Bytes of the length prefix.</summary>
    public const int HeaderSize = 4;

    /// <summary>
    /// Tries to take one frame off the front of <paramref name="buffer"/>. On <see cref="DecodeStatus.Frame"/> the buffer is
    /// advanced past it; on <see cref="DecodeStatus.NeedMoreData"/> it is untouched.
    /// </summary>
    public static DecodeStatus TryDecode(ref ReadOnlySequence<byte> buffer, int maximumFrameSize, out WireFrame? frame, out string? error)
    {
        frame = null;
        error = null;
        if (buffer.Length < HeaderSize)
        {
            return DecodeStatus.NeedMoreData;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > (uint)maximumFrameSize)
        {
            error = $"frame length {length} exceeds maximum-frame-size {maximumFrameSize}";
            return DecodeStatus.Oversized;
        }

        if (length == 0)
        {
            error = "empty frame";
            return DecodeStatus.Malformed;
        }

        if (buffer.Length < HeaderSize + length)
        {
            return DecodeStatus.NeedMoreData;
        }

        var body = buffer.Slice(HeaderSize, length);
        try
        {
            frame = WireFrame.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            error = $"frame of {length} bytes is not a valid protobuf WireFrame ({ex.Message})";
            return DecodeStatus.Malformed;
        }

        if (frame.PduCase == WireFrame.PduOneofCase.None)
        {
            error = $"frame of {length} bytes carries no known PDU";
            frame = null;
            return DecodeStatus.Malformed;
        }

        buffer = buffer.Slice(body.End);
        return DecodeStatus.Frame;
    }
}

/// <summary>The outcome of <see cref="FrameDecoder.TryDecode"/>.</summary>
internal enum DecodeStatus
{
    Frame,
    NeedMoreData,
    Oversized,
    Malformed,
}
