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

    private readonly SqlDialect _dialect;
    private readonly TimeProvider _time;
    private readonly AsyncOnce _schema;
    private readonly string[] _createSql;
    private readonly string _loadSql;
    private readonly string _upsertSql;

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
        var createTable = $"CREATE TABLE IF NOT EXISTS {Table} (\"key\" TEXT PRIMARY KEY, envelope {blob} NOT NULL, updated_at {integer} NOT NULL)";
        _createSql = dialect.Tables.Schema is { } own && IsPostgreSql ? [$"CREATE SCHEMA IF NOT EXISTS \"{own}\"", createTable] : [createTable];
        _schema = new AsyncOnce(cancellationToken => _dialect.RunSchemaStatementsAsync(_createSql, cancellationToken));
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
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(_loadSql);
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
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand(_upsertSql);
        command.AddParameter("@key", key);
        command.AddParameter("@envelope", envelope);
        command.AddParameter("@updated", _time.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
