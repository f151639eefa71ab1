using System.Data.Common;
using ClusterLb.DistributedData.Replication;
using ClusterLb.Persistence.Sql;

namespace ClusterLb.DistributedData.Durable;

/// <summary>
/// Durable keys in the node's SQL database (SQLite by default, PostgreSQL when persistence is configured so), one row
/// per key in its own table: <c>ddata_durable(key, envelope, updated_at)</c>, created on first use when absent.
/// </summary>
/// <remarks>
/// The store shares the persistence layer's <see cref="SqlDialect"/> (its connection pool, pragmas and PostgreSQL
/// schema) but not its tables. A row holds the latest envelope of a key; older versions are not kept.
/// </remarks>
public sealed class SqlDurableStore : IDurableStore
{
    /// <summary>The default table name.</summary>
    public const string DefaultTable = "ddata_durable";

    // Any fixed 64-bit key, distinct from the journal's, so two nodes creating the table at once do not collide.
    private const long SchemaLockKey = 7164775539302052718;

    private readonly SqlDialect _dialect;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private readonly string _createSql;
    private readonly string _loadSql;
    private readonly string _upsertSql;
    private bool _schemaReady;

    /// <summary>A store in <paramref name="table"/> of <paramref name="dialect"/>'s database.</summary>
    public SqlDurableStore(SqlDialect dialect, string table = DefaultTable, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        if (string.IsNullOrEmpty(table) || table.Length > 63 || !table.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"Invalid durable store table name '{table}': use 1-63 ASCII letters, digits or underscores.", nameof(table));
        }

        _dialect = dialect;
        _time = time ?? TimeProvider.System;
        IsPostgreSql = dialect is PostgreSqlDialect;
        Table = dialect.Tables.Schema is { } schema && IsPostgreSql ? $"\"{schema}\".\"{table}\"" : $"\"{table}\"";
        var blob = IsPostgreSql ? "BYTEA" : "BLOB";
        var integer = IsPostgreSql ? "BIGINT" : "INTEGER";
        _createSql = $"CREATE TABLE IF NOT EXISTS {Table} (\"key\" TEXT PRIMARY KEY, envelope {blob} NOT NULL, updated_at {integer} NOT NULL)";
        _loadSql = $"SELECT \"key\", envelope FROM {Table}";
        _upsertSql = $"INSERT INTO {Table} (\"key\", envelope, updated_at) VALUES (@key, @envelope, @updated) " +
                     "ON CONFLICT (\"key\") DO UPDATE SET envelope = excluded.envelope, updated_at = excluded.updated_at";
    }

    /// <summary>The table, quoted (and schema-qualified on PostgreSQL).</summary>
    public string Table { get; }

    private bool IsPostgreSql { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, byte[]>> LoadAllAsync(CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, _loadSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries[reader.GetString(0)] = (byte[])reader.GetValue(1);
        }

        return entries;
    }

    /// <inheritdoc />
    public async Task StoreAsync(string key, byte[] envelope, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(envelope);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, _upsertSql);
        Parameter(command, "@key", key);
        Parameter(command, "@envelope", envelope);
        Parameter(command, "@updated", _time.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _schemaReady))
        {
            return;
        }

        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (IsPostgreSql)
            {
                // Concurrent CREATE TABLE IF NOT EXISTS on a fresh PostgreSQL database can fail with "already exists".
                await using var lockCommand = Command(connection, $"SELECT pg_advisory_xact_lock({SchemaLockKey})", transaction);
                await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (_dialect.Tables.Schema is { } schema)
                {
                    await using var createSchema = Command(connection, $"CREATE SCHEMA IF NOT EXISTS \"{schema}\"", transaction);
                    await createSchema.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await using (var create = Command(connection, _createSql, transaction))
            {
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _schemaReady, true);
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    private static DbCommand Command(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static void Parameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
