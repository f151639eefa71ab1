using System.Data.Common;

namespace ClusterLb.Persistence.Sql;

/// <summary>
/// What differs between the SQL databases the journal runs on: connections, DDL, literals and error codes.
/// The statements themselves are shared by <see cref="SqlJournal"/> and <see cref="SqlSnapshotStore"/>.
/// </summary>
public abstract class SqlDialect : IAsyncDisposable
{
    private readonly AsyncOnce _schema;

    protected SqlDialect(TableNames tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        tables.Validate();
        Tables = tables;
        _schema = new AsyncOnce(cancellationToken => RunSchemaStatementsAsync(CreateSchemaStatements(), cancellationToken));
    }

    public TableNames Tables { get; }

    /// <summary>A short name for logs and errors ("sqlite", "postgresql").</summary>
    public abstract string Name { get; }

    public string JournalTable => Qualify(Tables.Journal);

    public string TagsTable => Qualify(Tables.Tags);

    public string SnapshotTable => Qualify(Tables.Snapshot);

    public abstract string True { get; }

    public abstract string False { get; }

    /// <summary>Opens a connection ready for use (pragmas applied).</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Idempotent DDL for the three tables and their indexes.</summary>
    public abstract IReadOnlyList<string> CreateSchemaStatements();

    /// <summary>A statement that takes a lock held until the schema transaction ends, or null when the database serializes DDL itself.</summary>
    protected virtual string? SchemaLockSql => null;

    /// <summary>Turns an INSERT into a statement whose scalar result is the new row's <c>ordering</c>.</summary>
    public abstract string InsertReturningOrdering(string insert);

    /// <summary>Whether the error is a UNIQUE / primary key violation.</summary>
    public abstract bool IsUniqueViolation(DbException error);

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Runs <see cref="CreateSchemaStatements"/> once per dialect instance (later calls return at once).</summary>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken) => _schema.EnsureAsync(cancellationToken);

    /// <summary>
    /// Runs idempotent DDL in one transaction, serialized across processes by <see cref="SchemaLockSql"/>: concurrent
    /// CREATE ... IF NOT EXISTS from several nodes on a fresh PostgreSQL database otherwise fails with "already exists".
    /// Other stores that share this database (the durable data keys) create their tables through it too.
    /// </summary>
    public async Task RunSchemaStatementsAsync(IEnumerable<string> statements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statements);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var statement in SchemaLockSql is { } lockSql ? statements.Prepend(lockSql) : statements)
        {
            await using var command = connection.CreateCommand(statement, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected string Qualify(string table) =>
        Tables.Schema is { } schema ? $"\"{schema}\".\"{table}\"" : $"\"{table}\"";

    /// <summary>An index name that is unique per database even when several table sets share one.</summary>
    protected string IndexName(string table, string suffix) => $"\"{table}_{suffix}\"";
}
