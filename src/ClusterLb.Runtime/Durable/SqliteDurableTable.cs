using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ClusterLb.Runtime.Durable;

/// <summary>
/// The durable keys in one SQLite file: WAL (the audit journal may share the file and readers never block the
/// writer), <c>synchronous = FULL</c> (an acknowledged write survives a power cut), and SQLite's own busy handler so a
/// write waits for another connection's write lock instead of failing at once.
/// </summary>
/// <remarks>
/// The bundled SQLite of SQLitePCLRaw 2.0.x was built without <c>usleep</c>, so its busy handler slept whole
/// seconds. The e_sqlite3 3.49.1 of SQLitePCLRaw 2.1.11 (Microsoft.Data.Sqlite 10) sleeps milliseconds: a write
/// meeting another connection's 30 ms transaction finished after ~35 ms here (measured), so the handler is used as is.
/// </remarks>
internal sealed class SqliteDurableTable : DurableTable
{
    private readonly string _path;
    private readonly string _connectionString;
    private readonly string _sessionPragmas;

    public SqliteDurableTable(string path, TimeSpan busyTimeout, string table)
        : base(SqlIdentifier.Quote(table, "durable.sql.table"))
    {
        _path = path;
        Location = $"SQLite file {path} (table {table})";
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // One connection lives as long as the actor; no pool keeps the file open after the store stops.
            Pooling = false,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY itself until this many seconds: keep it at the busy timeout.
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        }.ToString();
        _sessionPragmas =
            $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";
    }

    public override string Location { get; }

    protected override string NowExpression => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

    protected override DbConnection Open()
    {
        if (Path.GetDirectoryName(_path) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();
            // busy_timeout comes first: switching to WAL itself needs the lock another node's store may hold.
            pragmas.CommandText = _sessionPragmas;
            pragmas.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    protected override void CreateIfMissing(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        // IF NOT EXISTS runs under SQLite's write lock, so concurrent creators cannot race.
        command.CommandText =
            $"CREATE TABLE IF NOT EXISTS {QuotedTable} (\"key\" TEXT NOT NULL PRIMARY KEY, serializer_id INTEGER NOT NULL, " +
            "manifest TEXT NOT NULL, payload BLOB NOT NULL, updated_at TEXT NOT NULL)";
        command.ExecuteNonQuery();
    }
}
