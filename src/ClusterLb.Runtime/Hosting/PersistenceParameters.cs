using ClusterLb.Hocon;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// <c>clusterlb.persistence.*</c> as plain values, with paths made absolute against the data directory: what the
/// audit journal's HOCON helper and the DData durable store need, read (and validated) in one place.
/// </summary>
/// <param name="Provider"><see cref="Sqlite"/> or <see cref="PostgreSql"/>.</param>
/// <param name="SqlitePath">Absolute path of the journal's SQLite file (<c>sqlite.path</c> under the data directory).</param>
/// <param name="SqliteBusyTimeout">How long a SQLite write waits for another connection's lock.</param>
/// <param name="SqliteSynchronous">SQLite's PRAGMA synchronous: full, normal or extra.</param>
/// <param name="PostgresConnectionString">Npgsql connection string (empty with SQLite).</param>
/// <param name="PostgresSchema">PostgreSQL schema; empty means the connection's search path.</param>
/// <param name="AutoInitialize">Create missing tables on first use.</param>
/// <param name="JournalTable">Event table name.</param>
/// <param name="TagsTable">Tag table name.</param>
/// <param name="SnapshotTable">Snapshot table name.</param>
public sealed record PersistenceParameters(
    string Provider,
    string SqlitePath,
    TimeSpan SqliteBusyTimeout,
    string SqliteSynchronous,
    string PostgresConnectionString,
    string PostgresSchema,
    bool AutoInitialize,
    string JournalTable,
    string TagsTable,
    string SnapshotTable)
{
    /// <summary>The embedded SQLite provider (the default).</summary>
    public const string Sqlite = "sqlite";

    /// <summary>The PostgreSQL provider.</summary>
    public const string PostgreSql = "postgresql";

    /// <summary>Reads <c>clusterlb.persistence</c>; absent keys take reference.conf's defaults.</summary>
    /// <exception cref="HoconException">An unknown provider, or PostgreSQL without a connection string.</exception>
    public static PersistenceParameters FromConfig(Config config, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(dataDir);
        var p = config.GetConfig("clusterlb.persistence", Config.Empty);
        var provider = p.GetString("provider", Sqlite).Trim().ToLowerInvariant();
        if (provider is not (Sqlite or PostgreSql))
        {
            throw new HoconException(p.GetValue("provider")!.Origin, $"clusterlb.persistence.provider = {provider}: expected sqlite or postgresql");
        }
        var connection = p.GetString("postgresql.connection-string", "");
        if (provider == PostgreSql && connection.Trim().Length == 0)
        {
            throw new HoconException(p.GetValue("provider")!.Origin,
                "clusterlb.persistence.provider = postgresql needs clusterlb.persistence.postgresql.connection-string (or CLUSTERLB_POSTGRES)");
        }
        return new PersistenceParameters(
            provider,
            Path.GetFullPath(Path.Combine(dataDir, p.GetString("sqlite.path", "persistence/clusterlb.db"))),
            p.GetDuration("sqlite.busy-timeout", TimeSpan.FromSeconds(5)),
            p.GetString("sqlite.synchronous", "full"),
            connection,
            p.GetString("postgresql.schema", ""),
            p.GetBool("auto-initialize", true),
            p.GetString("tables.journal", "journal"),
            p.GetString("tables.tags", "tags"),
            p.GetString("tables.snapshot", "snapshot"));
    }
}
