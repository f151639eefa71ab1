using System.Buffers.Binary;
using System.Text;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>HTTP/2 frames written by hand (RFC 9113 §4.1), for the floods no HTTP client would send.</summary>
internal static class H2Frames
{
    public const byte Data = 0x0, Headers = 0x1, RstStream = 0x3, Settings = 0x4, Ping = 0x6, GoAway = 0x7;
    public const byte EndStream = 0x1, EndHeaders = 0x4, Ack = 0x1;
    public const uint Cancel = 0x8, EnhanceYourCalm = 0xb;

    /// <summary>The client connection preface.</summary>
    public static byte[] Preface { get; } = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

    public static byte[] Frame(byte type, byte flags, uint stream, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(5), stream & 0x7fffffff);
        payload.CopyTo(frame.AsSpan(9));
        return frame;
    }

    public static byte[] EmptySettings() => Frame(Settings, 0, 0, []);

    public static byte[] PingFrame(long opaque)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(payload, opaque);
        return Frame(Ping, 0, 0, payload);
    }

    /// <summary>A complete GET request for <paramref name="path"/> on <paramref name="authority"/> (HPACK: static indexes and literals, no Huffman).</summary>
    public static byte[] Get(uint stream, string authority, string path)
    {
        var block = new List<byte> { 0x82, 0x86 }; // :method GET, :scheme http
        Literal(block, 4, path);                    // :path
        Literal(block, 1, authority);               // :authority
        return Frame(Headers, EndHeaders | EndStream, stream, block.ToArray());
    }

    public static byte[] Reset(uint stream, uint code)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, code);
        return Frame(RstStream, 0, stream, payload);
    }

    // Literal header field without indexing, indexed name (RFC 7541 §6.2.2); values here stay under 127 bytes.
    private static void Literal(List<byte> block, byte nameIndex, string value)
    {
        block.Add(nameIndex);
        block.Add((byte)value.Length);
        block.AddRange(Encoding.ASCII.GetBytes(value));
    }
}
