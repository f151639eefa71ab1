using Microsoft.Extensions.Logging;
using ClusterLb.Persistence.Journal;
using ClusterLb.Persistence.Resilience;
using ClusterLb.Persistence.Serialization;
using ClusterLb.Persistence.Snapshot;
using ClusterLb.Persistence.Sql;

namespace ClusterLb.Persistence;

/// <summary>
/// The journal and snapshot store of one node, built from <see cref="PersistenceSettings"/>, each behind its
/// circuit breaker. Disposing releases the database connections.
/// </summary>
public sealed class PersistenceStores : IAsyncDisposable
{
    private readonly SqlDialect _dialect;

    private PersistenceStores(SqlDialect dialect, ProtobufPayloadSerializer serializer, PersistenceSettings settings, TimeProvider? time, ILoggerFactory? loggerFactory)
    {
        _dialect = dialect;
        Serializer = serializer;
        Journal = new CircuitBreakingJournal(new SqlJournal(dialect, serializer, settings.Store), settings.JournalCircuitBreaker, time, loggerFactory?.CreateLogger<CircuitBreakingJournal>());
        SnapshotStore = new CircuitBreakingSnapshotStore(new SqlSnapshotStore(dialect, serializer, settings.Store), settings.SnapshotCircuitBreaker, time, loggerFactory?.CreateLogger<CircuitBreakingSnapshotStore>());
    }

    public IJournal Journal { get; }

    public ISnapshotStore SnapshotStore { get; }

    public ProtobufPayloadSerializer Serializer { get; }

    /// <summary>The database both stores use; other SQL-backed stores of the node (distributed data's durable keys) share its connections.</summary>
    public SqlDialect Dialect => _dialect;

    /// <summary>Builds the stores; the database is first touched on the first call.</summary>
    public static PersistenceStores Create(PersistenceSettings settings, string dataDirectory, MessageTypeRegistry registry, TimeProvider? time = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(registry);
        SqlDialect dialect = settings.Provider switch
        {
            PersistenceProvider.Sqlite => new SqliteDialect(
                settings.ResolveSqlitePath(dataDirectory), settings.SqliteBusyTimeout, settings.SqliteSynchronous, settings.Tables),
            PersistenceProvider.PostgreSql => new PostgreSqlDialect(settings.PostgresConnectionString, settings.Tables),
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Provider, "Unknown persistence provider."),
        };
        return new PersistenceStores(dialect, new ProtobufPayloadSerializer(registry), settings, time, loggerFactory);
    }

    public ValueTask DisposeAsync() => _dialect.DisposeAsync();
}
