using System.Collections.Concurrent;

namespace ClusterLb.DistributedData.Replication;

/// <summary>
/// Where durable keys (<c>clusterlb.distributed-data.durable.keys</c>) survive a restart. The replicator loads every
/// entry before it serves its first request and stores a key's serialized envelope after each change.
/// </summary>
/// <remarks>
/// Entries are opaque protobuf bytes (the replicator's <c>DataEnvelope</c>); a store only keeps the latest bytes
/// per key. The node's store is <see cref="Durable.SqlDurableStore"/> (SQLite or PostgreSQL, through ClusterLb.Persistence).
/// </remarks>
public interface IDurableStore
{
    /// <summary>Every stored key with its latest bytes.</summary>
    Task<IReadOnlyDictionary<string, byte[]>> LoadAllAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the stored bytes of <paramref name="key"/>.</summary>
    Task StoreAsync(string key, byte[] envelope, CancellationToken cancellationToken);
}

/// <summary>A durable store in memory: survives a replicator's restart within one process (tests, demos).</summary>
public sealed class InMemoryDurableStore : IDurableStore
{
    private readonly ConcurrentDictionary<string, byte[]> _entries = new(StringComparer.Ordinal);

    /// <summary>Keys stored so far.</summary>
    public IReadOnlyCollection<string> Keys => _entries.Keys.ToArray();

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, byte[]>> LoadAllAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, byte[]>>(new Dictionary<string, byte[]>(_entries, StringComparer.Ordinal));

    /// <inheritdoc />
    public Task StoreAsync(string key, byte[] envelope, CancellationToken cancellationToken)
    {
        _entries[key] = envelope;
        return Task.CompletedTask;
    }
}
