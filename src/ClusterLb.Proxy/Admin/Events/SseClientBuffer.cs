using System.Threading.Channels;
using ClusterLb.Balancing.Registry;

namespace ClusterLb.Proxy.Admin.Events;

/// <summary>
/// One SSE client's pending events. Bounded: when the client reads slower than events arrive, the oldest pending
/// event is dropped (the feed must never wait for a client, and memory must not grow with a stalled one); the
/// writer reports how many were lost so the client can tell it missed something.
/// </summary>
public sealed class SseClientBuffer
{
    private readonly Channel<RegistryEvent> _channel;
    private long _dropped;

    /// <summary>Creates a buffer holding at most <paramref name="capacity"/> events.</summary>
    public SseClientBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _channel = Channel.CreateBounded<RegistryEvent>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>Adds an event without waiting; drops the oldest pending one when full.</summary>
    public void Add(RegistryEvent @event) => _channel.Writer.TryWrite(@event);

    /// <summary>The events to send, in arrival order.</summary>
    public ChannelReader<RegistryEvent> Reader => _channel.Reader;

    /// <summary>Events dropped since the last call, resetting the count.</summary>
    public long TakeDropped() => Interlocked.Exchange(ref _dropped, 0);
}
