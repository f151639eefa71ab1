using System.Buffers.Binary;
using System.Net.Sockets;
using ClusterLb.Remote.Wire;
using Google.Protobuf;

namespace ClusterLb.Remote.Tests.Support;

/// <summary>A bare TCP client that writes whatever bytes a test wants at a node's port.</summary>
internal sealed class RawPeer : IDisposable
{
    private readonly TcpClient _client = new();

    private RawPeer()
    {
    }

    public NetworkStream Stream => _client.GetStream();

    public static async Task<RawPeer> ConnectAsync(TestNode node)
    {
        var peer = new RawPeer();
        await peer._client.ConnectAsync("127.0.0.1", node.Transport.BoundEndPoint!.Port);
        return peer;
    }

    public Task WriteAsync(byte[] bytes) => Stream.WriteAsync(bytes).AsTask();

    public Task WriteFrameAsync(WireFrame frame)
    {
        var body = frame.ToByteArray();
        var bytes = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, body.Length);
        body.CopyTo(bytes, 4);
        return WriteAsync(bytes);
    }

    /// <summary>Reads frames until the node closes the connection; returns them.</summary>
    public async Task<List<WireFrame>> ReadUntilClosedAsync()
    {
        var frames = new List<WireFrame>();
        var header = new byte[4];
        while (true)
        {
            if (!await ReadExactlyOrEndAsync(header))
            {
                return frames;
            }

            var body = new byte[BinaryPrimitives.ReadInt32BigEndian(header)];
            if (!await ReadExactlyOrEndAsync(body))
            {
                return frames;
            }

            frames.Add(WireFrame.Parser.ParseFrom(body));
        }
    }

    public void Dispose() => _client.Dispose();

    private async Task<bool> ReadExactlyOrEndAsync(byte[] buffer)
    {
        try
        {
            await Stream.ReadExactlyAsync(buffer);
            return true;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException)
        {
            return false;
        }
    }
}
