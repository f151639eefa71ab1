using Akka.Configuration;

namespace ClusterLb.Runtime.Durable;

/// <summary>
/// The <c>durable.sql</c> section read by <see cref="SqlDurableStore"/>, validated once when the store starts so a
/// misconfiguration stops the Replicator with a message naming the key instead of failing on the first write.
/// </summary>
/// <param name="Provider">Which database (<c>sql.provider</c>).</param>
/// <param name="SqlitePath">Absolute path of the SQLite file (<c>sql.sqlite.path</c>); empty for PostgreSQL.</param>
/// <param name="BusyTimeout">How long a SQLite write waits for another connection's write lock (<c>sql.sqlite.busy-timeout</c>).</param>
/// <param name="PostgresConnectionString">Npgsql connection string (<c>sql.postgresql.connection-string</c>); empty for SQLite.</param>
/// <param name="PostgresSchema">PostgreSQL schema of the table; empty means the connection's search path (<c>sql.postgresql.schema</c>).</param>
/// <param name="Table">Table name (<c>sql.table</c>).</param>
/// <param name="WriteBehindInterval">Batching interval; <see cref="TimeSpan.Zero"/> writes each update before acknowledging it (<c>sql.write-behind-interval</c>).</param>
/// <param name="WriterDispatcher">Dispatcher of the actor doing the blocking I/O (<c>durable.use-dispatcher</c>); empty means the store's own.</param>
public sealed record SqlDurableStoreSettings(
    SqlDurableProvider Provider,
    string SqlitePath,
    TimeSpan BusyTimeout,
    string PostgresConnectionString,
    string PostgresSchema,
    string Table,
    TimeSpan WriteBehindInterval,
    string WriterDispatcher)
{
    /// <summary>The table name used when <c>sql.table</c> is not set.</summary>
    public const string DefaultTable = "ddata_durable";

    /// <summary>The SQLite busy timeout used when <c>sql.sqlite.busy-timeout</c> is not set.</summary>
    public static readonly TimeSpan DefaultBusyTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Reads the settings from the <c>akka.cluster.distributed-data.durable</c> section.</summary>
    /// <exception cref="ConfigurationException">A key is missing or has an invalid value.</exception>
    public static SqlDurableStoreSettings FromConfig(Config durable)
    {
        ArgumentNullException.ThrowIfNull(durable);
        var sql = durable.GetConfig("sql");
        if (sql.IsNullOrEmpty())
        {
            throw new ConfigurationException(
                "akka.cluster.distributed-data.durable.sql is missing: SqlDurableStore needs sql.provider and its connection settings.");
        }

        var provider = sql.GetString("provider", "sqlite").Trim().ToLowerInvariant() switch
        {
            "sqlite" => SqlDurableProvider.Sqlite,
            "postgresql" or "postgres" => SqlDurableProvider.PostgreSql,
            var other => throw new ConfigurationException(
                $"durable.sql.provider = \"{other}\" is not supported: use sqlite or postgresql."),
        };

        var table = sql.GetString("table", DefaultTable);
        SqlIdentifier.Quote(table, "durable.sql.table");

        var sqlitePath = string.Empty;
        var busyTimeout = DefaultBusyTimeout;
        var connectionString = string.Empty;
        var schema = string.Empty;
        if (provider == SqlDurableProvider.Sqlite)
        {
            var path = sql.GetString("sqlite.path", string.Empty);
            if (string.IsNullOrWhiteSpace(path))
            {
                throw new ConfigurationException("durable.sql.sqlite.path is empty: set the SQLite file of the durable keys.");
            }

            sqlitePath = Path.GetFullPath(path);
            busyTimeout = sql.GetTimeSpan("sqlite.busy-timeout", DefaultBusyTimeout);
            if (busyTimeout < TimeSpan.Zero)
            {
                throw new ConfigurationException($"durable.sql.sqlite.busy-timeout = {busyTimeout} is negative.");
            }
        }
        else
        {
            connectionString = sql.GetString("postgresql.connection-string", string.Empty);
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new ConfigurationException("durable.sql.postgresql.connection-string is empty: set the PostgreSQL connection string.");
            }

            schema = sql.GetString("postgresql.schema", string.Empty);
            if (schema.Length > 0)
            {
                SqlIdentifier.Quote(schema, "durable.sql.postgresql.schema");
            }
        }

        return new SqlDurableStoreSettings(
            provider,
            sqlitePath,
            busyTimeout,
            connectionString,
            schema,
            table,
            ReadWriteBehind(sql),
            durable.GetString("use-dispatcher", string.Empty));
    }

    private static TimeSpan ReadWriteBehind(Config sql)
    {
        var raw = sql.GetString("write-behind-interval", "off").Trim().ToLowerInvariant();
        if (raw is "" or "off" or "false" or "no")
        {
            return TimeSpan.Zero;
        }

        var interval = sql.GetTimeSpan("write-behind-interval");
        if (interval <= TimeSpan.Zero)
        {
            throw new ConfigurationException($"durable.sql.write-behind-interval = {raw} must be off or a positive duration.");
        }

        return interval;
    }
}
