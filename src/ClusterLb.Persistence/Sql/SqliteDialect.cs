using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ClusterLb.Persistence.Sql;

/// <summary>
/// SQLite, the embedded default: one database file, WAL mode (readers never block the writer), a busy timeout
/// so a second connection or process waits for the write lock instead of failing at once, and fsync on every commit
/// (<c>synchronous=FULL</c>) unless configured otherwise.
/// </summary>
/// <remarks>
/// The wait for the write lock is Microsoft.Data.Sqlite's: SQLite's own busy handler is switched off
/// (<c>busy_timeout = 0</c>) and a statement that finds the lock taken is retried every 150 ms until the command
/// timeout (the busy timeout rounded up to whole seconds). SQLite's handler would sleep whole seconds: the bundled
/// e_sqlite3 is built without <c>usleep</c>, so a write meeting another connection's 30 ms transaction waited 1 s
/// (for example a registry write on a node whose audit log was writing: admin writes took 1-2 s instead of
/// milliseconds). SQLitePCLRaw 2.0.6 has no <c>sqlite3_busy_handler</c> to install a finer one.
/// </remarks>
public sealed class SqliteDialect : SqlDialect
{
    private static readonly object InitLock = new();
    private static bool _batteriesReady;

    private readonly string _connectionString;
    private readonly string _pragmas;

    public SqliteDialect(string path, TimeSpan busyTimeout, string synchronous = "full", TableNames? tables = null)
        : base(tables ?? TableNames.Default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Tables.Schema is not null)
        {
            throw new ArgumentException("SQLite has no schemas; use table names to separate table sets.", nameof(tables));
        }

        var mode = synchronous.ToLowerInvariant() switch
        {
            "full" => "FULL",
            "normal" => "NORMAL",
            "extra" => "EXTRA",
            _ => throw new ArgumentException($"Invalid sqlite synchronous mode '{synchronous}': use full, normal or extra.", nameof(synchronous)),
        };

        EnsureBatteries();
        Path = System.IO.Path.GetFullPath(path);
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeout.TotalSeconds)),
        }.ToString();
        // busy_timeout = 0: SQLITE_BUSY at once, retried by Microsoft.Data.Sqlite within DefaultTimeout (see remarks).
        _pragmas = $"PRAGMA busy_timeout = 0; PRAGMA journal_mode = WAL; PRAGMA synchronous = {mode};";
    }

    /// <summary>The absolute path of the database file.</summary>
    public string Path { get; }

    public override string Name => "sqlite";

    public override string True => "1";

    public override string False => "0";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var pragma = connection.CreateCommand();
            pragma.CommandText = _pragmas;
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override IReadOnlyList<string> CreateSchemaStatements() =>
    [
        // AUTOINCREMENT so a global ordering value is never reused after rows are deleted.
        $"""
        CREATE TABLE IF NOT EXISTS {JournalTable} (
            ordering INTEGER PRIMARY KEY AUTOINCREMENT,
            deleted INTEGER NOT NULL DEFAULT 0,
            persistence_id TEXT NOT NULL,
            sequence_number INTEGER NOT NULL,
            created INTEGER NOT NULL,
            message BLOB NOT NULL,
            identifier INTEGER NULL,
            manifest TEXT NULL,
            writer_uuid TEXT NULL,
            UNIQUE (persistence_id, sequence_number))
        """,
        $"CREATE INDEX IF NOT EXISTS {IndexName(Tables.Journal, "created_idx")} ON {JournalTable} (created)",
        $"""
        CREATE TABLE IF NOT EXISTS {TagsTable} (
            ordering_id INTEGER NOT NULL,
            tag TEXT NOT NULL,
            persistence_id TEXT NOT NULL,
            sequence_nr INTEGER NOT NULL,
            PRIMARY KEY (ordering_id, tag))
        """,
        $"CREATE INDEX IF NOT EXISTS {IndexName(Tables.Tags, "pid_seq_idx")} ON {TagsTable} (persistence_id, sequence_nr)",
        $"""
        CREATE TABLE IF NOT EXISTS {SnapshotTable} (
            persistence_id TEXT NOT NULL,
            sequence_number INTEGER NOT NULL,
            created INTEGER NOT NULL,
            snapshot BLOB NOT NULL,
            manifest TEXT NOT NULL,
            serializer_id INTEGER NULL,
            PRIMARY KEY (persistence_id, sequence_number))
        """,
    ];

    public override string InsertReturningOrdering(string insert) => insert + "; SELECT last_insert_rowid();";

    public override bool IsUniqueViolation(DbException error) =>
        error is SqliteException { SqliteErrorCode: 19 /* SQLITE_CONSTRAINT */ } sqlite &&
        sqlite.SqliteExtendedErrorCode is 2067 /* UNIQUE */ or 1555 /* PRIMARYKEY */;

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release this file's pool (only) so it can be moved or deleted.
        // ClearAllPools would also tear down connections other stores are using right now.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    private static void EnsureBatteries()
    {
        lock (InitLock)
        {
            if (!_batteriesReady)
            {
                SQLitePCL.Batteries_V2.Init();
                _batteriesReady = true;
            }
        }
    }
}
