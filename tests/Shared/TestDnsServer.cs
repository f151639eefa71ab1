using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ClusterLb.Tests.Shared;

/// <summary>
/// A small authoritative DNS responder on a loopback UDP port for discovery tests: answers A, AAAA and SRV questions
/// from records the test sets (and changes) while it runs, NXDOMAIN for names it has none for, and SERVFAIL or
/// silence when told to fail. Linked into each test project that needs it.
/// </summary>
public sealed class TestDnsServer : IAsyncDisposable
{
    private const ushort TypeA = 1, TypeAaaa = 28, TypeSrv = 33;
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, Zone> _zones = new(StringComparer.OrdinalIgnoreCase);
    private readonly Task _loop;
    private int _queries;

    /// <summary>Starts answering.</summary>
    public TestDnsServer() => _loop = Task.Run(ServeAsync);

    /// <summary>Where to send questions (<c>clusterlb ... discovery.resolvers = ["127.0.0.1:PORT"]</c>).</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_socket.Client.LocalEndPoint!;

    /// <summary>Questions received so far.</summary>
    public int Queries => Volatile.Read(ref _queries);

    /// <summary>How the server answers every question: normally, with SERVFAIL, or not at all.</summary>
    public DnsServerMode Mode { get; set; } = DnsServerMode.Answer;

    /// <summary>When set, SRV answers carry their targets' addresses in the additional section (glue).</summary>
    public bool SrvGlue { get; set; }

    /// <summary>Makes <paramref name="name"/> answer these addresses (A and AAAA by family) with <paramref name="ttl"/>.</summary>
    public void SetAddresses(string name, TimeSpan ttl, params string[] addresses) =>
        _zones.AddOrUpdate(name, _ => new Zone(ttl, [.. addresses.Select(IPAddress.Parse)], []), (_, z) => z with { Ttl = ttl, Addresses = [.. addresses.Select(IPAddress.Parse)] });

    /// <summary>Makes <paramref name="name"/> answer these SRV records (targets need their own addresses set).</summary>
    public void SetSrv(string name, TimeSpan ttl, params (ushort Priority, ushort Weight, ushort Port, string Target)[] records) =>
        _zones.AddOrUpdate(name, _ => new Zone(ttl, [], records), (_, z) => z with { Ttl = ttl, Srv = records });

    /// <summary>Makes <paramref name="name"/> unknown (NXDOMAIN).</summary>
    public void Remove(string name) => _zones.TryRemove(name, out _);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult query;
            try
            {
                query = await _socket.ReceiveAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            Interlocked.Increment(ref _queries);
            if (Mode == DnsServerMode.Silent || Answer(query.Buffer) is not { } answer)
            {
                continue;
            }
            try
            {
                await _socket.SendAsync(answer, query.RemoteEndPoint, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    private byte[]? Answer(byte[] query)
    {
        if (query.Length < 17)
        {
            return null;
        }
        var offset = 12;
        var name = new StringBuilder();
        while (offset < query.Length && query[offset] != 0)
        {
            var length = query[offset++];
            if (length > 63 || offset + length > query.Length)
            {
                return null;
            }
            name.Append(name.Length > 0 ? "." : "").Append(Encoding.ASCII.GetString(query, offset, length));
            offset += length;
        }
        offset++;
        if (offset + 4 > query.Length)
        {
            return null;
        }
        var type = BinaryPrimitives.ReadUInt16BigEndian(query.AsSpan(offset));
        var questionEnd = offset + 4;

        var answers = new List<byte[]>();
        var additionals = new List<byte[]>();
        var rcode = 0;
        if (Mode == DnsServerMode.ServerFailure)
        {
            rcode = 2;
        }
        else if (!_zones.TryGetValue(name.ToString(), out var zone))
        {
            rcode = 3;
        }
        else if (type is TypeA or TypeAaaa)
        {
            var family = type == TypeA ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
            answers.AddRange(zone.Addresses.Where(a => a.AddressFamily == family).Select(a => Record([0xC0, 0x0C], type, zone.Ttl, a.GetAddressBytes())));
        }
        else if (type == TypeSrv)
        {
            foreach (var (priority, weight, port, target) in zone.Srv)
            {
                var data = new byte[6];
                BinaryPrimitives.WriteUInt16BigEndian(data, priority);
                BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), weight);
                BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(4), port);
                answers.Add(Record([0xC0, 0x0C], TypeSrv, zone.Ttl, [.. data, .. Labels(target)]));
                if (SrvGlue && _zones.TryGetValue(target, out var glue))
                {
                    additionals.AddRange(glue.Addresses.Select(a => Record(Labels(target), a.AddressFamily == AddressFamily.InterNetwork ? TypeA : TypeAaaa, glue.Ttl, a.GetAddressBytes())));
                }
            }
        }

        var response = new List<byte>(512);
        response.AddRange(query.AsSpan(0, 2).ToArray());
        var flags = (ushort)(0x8400 | (query[2] & 0x01) << 8 | 0x0080 | rcode);
        response.AddRange(BigEndian(flags));
        response.AddRange(BigEndian(1));
        response.AddRange(BigEndian((ushort)answers.Count));
        response.AddRange(BigEndian(0));
        response.AddRange(BigEndian((ushort)additionals.Count));
        response.AddRange(query.AsSpan(12, questionEnd - 12).ToArray());
        foreach (var record in answers.Concat(additionals))
        {
            response.AddRange(record);
        }
        return [.. response];
    }

    private static byte[] Record(byte[] owner, ushort type, TimeSpan ttl, byte[] data)
    {
        var head = new byte[10];
        BinaryPrimitives.WriteUInt16BigEndian(head, type);
        BinaryPrimitives.WriteUInt16BigEndian(head.AsSpan(2), 1);
        BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(4), (uint)ttl.TotalSeconds);
        BinaryPrimitives.WriteUInt16BigEndian(head.AsSpan(8), (ushort)data.Length);
        return [.. owner, .. head, .. data];
    }

    private static byte[] Labels(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }
        bytes.Add(0);
        return [.. bytes];
    }

    private static byte[] BigEndian(ushort value) => [(byte)(value >> 8), (byte)value];

    private sealed record Zone(TimeSpan Ttl, IPAddress[] Addresses, (ushort Priority, ushort Weight, ushort Port, string Target)[] Srv);
}

/// <summary>How <see cref="TestDnsServer"/> answers.</summary>
public enum DnsServerMode
{
    /// <summary>From its records.</summary>
    Answer,

    /// <summary>SERVFAIL to everything.</summary>
    ServerFailure,

    /// <summary>No answer at all (the client times out).</summary>
    Silent,
}
