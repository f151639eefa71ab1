using ClusterLb.Persistence.Resilience;
using ClusterLb.Persistence.Sql;

namespace ClusterLb.Persistence;

/// <summary>
/// Everything under <c>clusterlb.persistence</c>; the defaults here equal those in <c>hocon/reference.conf</c>.
/// </summary>
public sealed partial record PersistenceSettings
{
    public PersistenceProvider Provider { get; init; } = PersistenceProvider.Sqlite;

    /// <summary>SQLite file; a relative path is resolved against the node's data directory.</summary>
    public string SqlitePath { get; init; } = "persistence/clusterlb.db";

    /// <summary>How long a SQLite connection waits for another connection's write lock before failing.</summary>
    public TimeSpan SqliteBusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>SQLite <c>PRAGMA synchronous</c>: full (fsync every commit, survives power loss), normal, extra.</summary>
    public string SqliteSynchronous { get; init; } = "full";

    public string PostgresConnectionString { get; init; } = string.Empty;

    /// <summary>Tables and, for PostgreSQL, the schema.</summary>
    public TableNames Tables { get; init; } = TableNames.Default;

    public SqlStoreOptions Store { get; init; } = SqlStoreOptions.Default;

    public CircuitBreakerSettings JournalCircuitBreaker { get; init; } = CircuitBreakerSettings.Default;

    /// <summary>Akka's snapshot-store breaker defaults (5 failures, 20 s call timeout, 60 s reset).</summary>
    public CircuitBreakerSettings SnapshotCircuitBreaker { get; init; } = new(5, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(60));

    /// <summary>The SQLite file's absolute path for a node whose data directory is <paramref name="dataDirectory"/>.</summary>
    public string ResolveSqlitePath(string dataDirectory) =>
        Path.IsPathRooted(SqlitePath) ? SqlitePath : Path.GetFullPath(Path.Combine(dataDirectory, SqlitePath));
}
