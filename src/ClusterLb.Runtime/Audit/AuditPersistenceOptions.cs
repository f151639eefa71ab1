namespace ClusterLb.Runtime.Audit;

/// <summary>The provider-independent part of the persistence configuration; defaults match <c>hocon/reference.conf</c>.</summary>
public sealed record AuditPersistenceOptions
{
    /// <summary>The defaults.</summary>
    public static AuditPersistenceOptions Default { get; } = new();

    /// <summary>Create the journal, tags and snapshot tables on first use when they are missing.</summary>
    public bool AutoInitialize { get; init; } = true;

    /// <summary>Event rows.</summary>
    public string JournalTable { get; init; } = "journal";

    /// <summary>Tag rows, one per (event, tag).</summary>
    public string TagTable { get; init; } = "tags";

    /// <summary>Snapshot rows.</summary>
    public string SnapshotTable { get; init; } = "snapshot";

    /// <summary>Most events written in one database batch (an atomic write larger than this is never split).</summary>
    public int BatchSize { get; init; } = 100;

    /// <summary>Events fetched per query while replaying or reading a page.</summary>
    public int ReplayBatchSize { get; init; } = 1000;

    /// <summary>The journal's circuit breaker.</summary>
    public PersistenceCircuitBreaker JournalCircuitBreaker { get; init; } = PersistenceCircuitBreaker.JournalDefault;

    /// <summary>The snapshot store's circuit breaker.</summary>
    public PersistenceCircuitBreaker SnapshotStoreCircuitBreaker { get; init; } = PersistenceCircuitBreaker.SnapshotStoreDefault;
}
