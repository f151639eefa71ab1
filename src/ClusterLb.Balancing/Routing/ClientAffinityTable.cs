using System.Collections.Concurrent;
using System.Diagnostics;

namespace ClusterLb.Balancing.Routing;

/// <summary>
/// Client-IP affinity (kube-proxy's <c>sessionAffinity: ClientIP</c>): which host each client IP was sent to,
/// kept while the client keeps sending within the timeout. One table per pool and node, kept across routing
/// snapshots. Lookups are lock-free; a new client adds one entry. The table is bounded: when it is full, new
/// clients are balanced without being remembered rather than growing it without limit.
/// </summary>
/// <param name="timeout">Idle time after which a client is balanced afresh.</param>
/// <param name="capacity">Most clients remembered at once.</param>
public sealed class ClientAffinityTable(TimeSpan timeout, int capacity = ClientAffinityTable.DefaultCapacity)
{
    /// <summary>Default bound on remembered clients.</summary>
    public const int DefaultCapacity = 100_000;

    private readonly ConcurrentDictionary<ulong, Entry> _entries = new();
    private readonly long _timeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);

    /// <summary>The idle timeout.</summary>
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>Clients remembered now (expired ones included until <see cref="Sweep"/>).</summary>
    public int Count => _entries.Count;

    /// <summary>The host id remembered for <paramref name="client"/>, refreshing its last use; false when none or expired.</summary>
    public bool TryGet(ulong client, long now, out ulong hostId)
    {
        if (_entries.TryGetValue(client, out var entry) && now - Volatile.Read(ref entry.LastUsed) <= _timeoutTicks)
        {
            Volatile.Write(ref entry.LastUsed, now);
            hostId = entry.HostId;
            return true;
        }
        hostId = 0;
        return false;
    }

    /// <summary>Remembers that <paramref name="client"/> was sent to <paramref name="hostId"/>.</summary>
    public void Remember(ulong client, ulong hostId, long now)
    {
        if (_entries.TryGetValue(client, out var entry))
        {
            if (entry.HostId == hostId)
            {
                Volatile.Write(ref entry.LastUsed, now);
                return;
            }
        }
        else if (_entries.Count >= capacity)
        {
            return;
        }
        _entries[client] = new Entry(hostId, now);
    }

    /// <summary>Forgets clients idle for longer than the timeout (the router calls this periodically).</summary>
    public int Sweep(long now)
    {
        var removed = 0;
        foreach (var (client, entry) in _entries)
        {
            if (now - Volatile.Read(ref entry.LastUsed) > _timeoutTicks && _entries.TryRemove(new KeyValuePair<ulong, Entry>(client, entry)))
            {
                removed++;
            }
        }
        return removed;
    }

    private sealed class Entry(ulong hostId, long lastUsed)
    {
        public readonly ulong HostId = hostId;
        public long LastUsed = lastUsed;
    }
}
