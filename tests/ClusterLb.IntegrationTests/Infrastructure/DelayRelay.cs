using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// A TCP relay that adds a fixed one-way latency: every connection accepted on <see cref="Endpoint"/> is joined to
/// <c>target</c>, and each chunk read from either side is written to the other <c>delay</c> after it arrived, in
/// order, so the link is slow without being narrow (netem's <c>delay</c>, which this kernel lacks). Half-close and
/// resets are passed on. Counts the bytes it carried each way.
/// </summary>
internal sealed class DelayRelay : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly IPEndPoint _target;
    private readonly TimeSpan _delay;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _lock = new();
    private readonly Task _accepting;
    private long _forward;
    private long _backward;
    private int _accepted;

    private DelayRelay(IPAddress address, IPEndPoint target, TimeSpan delay)
    {
        _target = target;
        _delay = delay;
        _listener = new TcpListener(address, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>Where clients connect (the relay's own address and OS-chosen port).</summary>
    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Bytes carried from clients to the target.</summary>
    public long ForwardBytes => Interlocked.Read(ref _forward);

    /// <summary>Bytes carried from the target back to clients.</summary>
    public long BackwardBytes => Interlocked.Read(ref _backward);

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Listens on <paramref name="address"/> and relays to <paramref name="target"/> with <paramref name="delay"/> each way.</summary>
    public static DelayRelay Start(IPAddress address, IPEndPoint target, TimeSpan delay) => new(address, target, delay);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Task[] connections;
        lock (_lock)
        {
            connections = [.. _connections, _accepting];
        }
        await Task.WhenAll(connections.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            lock (_lock)
            {
                _connections.Add(RelayAsync(client));
            }
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var _ = client;
        using var upstream = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            return;
        }
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        await Task.WhenAll(
            PumpAsync(client, upstream, b => Interlocked.Add(ref _forward, b), failed),
            PumpAsync(upstream, client, b => Interlocked.Add(ref _backward, b), failed));
    }

    /// <summary>Reads <paramref name="from"/> and writes each chunk to <paramref name="to"/> once it is due; either side failing ends both.</summary>
    private async Task PumpAsync(Socket from, Socket to, Action<int> count, CancellationTokenSource failed)
    {
        var due = Channel.CreateUnbounded<(long At, byte[] Chunk)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var writing = WriteDueAsync(due.Reader, to, failed);
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, failed.Token);
                if (read == 0)
                {
                    break;
                }
                count(read);
                due.Writer.TryWrite((Environment.TickCount64 + (long)_delay.TotalMilliseconds, buffer[..read]));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            await failed.CancelAsync();
        }
        due.Writer.TryComplete();
        await writing;
    }

    private static async Task WriteDueAsync(ChannelReader<(long At, byte[] Chunk)> due, Socket to, CancellationTokenSource failed)
    {
        try
        {
            await foreach (var (at, chunk) in due.ReadAllAsync(failed.Token))
            {
                var wait = at - Environment.TickCount64;
                if (wait > 0)
                {
                    // The latency this relay exists to add, not a synchronisation.
                    await Task.Delay(TimeSpan.FromMilliseconds(wait), failed.Token);
                }
                await to.SendAsync(chunk, SocketFlags.None, failed.Token);
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            await failed.CancelAsync();
        }
    }
}
