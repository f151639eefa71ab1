using System.Data.Common;
using Npgsql;

namespace ClusterLb.Persistence.Sql;

/// <summary>PostgreSQL through Npgsql, with a pooled data source.</summary>
public sealed class PostgreSqlDialect : SqlDialect
{
    private readonly NpgsqlDataSource _dataSource;

    public PostgreSqlDialect(string connectionString, TableNames? tables = null)
        : base(tables ?? TableNames.Default)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException(
                "A PostgreSQL connection string is required (clusterlb.persistence.postgresql.connection-string or CLUSTERLB_POSTGRES).",
                nameof(connectionString));
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            // The journal issues a handful of statements over and over; let Npgsql keep them prepared.
            builder.MaxAutoPrepare = 20;
        }

        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public override string Name => "postgresql";

    public override string True => "TRUE";

    public override string False => "FALSE";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>A transaction-scoped advisory lock (key "clb-schema") shared by every ClusterLb process.</summary>
    protected override string? SchemaLockSql => "SELECT pg_advisory_xact_lock(7164775539302052717)";

    public override IReadOnlyList<string> CreateSchemaStatements()
    {
        var statements = new List<string>();
        if (Tables.Schema is { } schema)
        {
            statements.Add($"CREATE SCHEMA IF NOT EXISTS \"{schema}\"");
        }

        statements.Add($"""
            CREATE TABLE IF NOT EXISTS {JournalTable} (
                ordering BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                deleted BOOLEAN NOT NULL DEFAULT FALSE,
                persistence_id VARCHAR(255) NOT NULL,
                sequence_number BIGINT NOT NULL,
                created BIGINT NOT NULL,
                message BYTEA NOT NULL,
                identifier INTEGER NULL,
                manifest VARCHAR(500) NULL,
                writer_uuid VARCHAR(128) NULL,
                CONSTRAINT {IndexName(Tables.Journal, "pid_seq_uq")} UNIQUE (persistence_id, sequence_number))
            """);
        statements.Add($"CREATE INDEX IF NOT EXISTS {IndexName(Tables.Journal, "created_idx")} ON {JournalTable} (created)");
        statements.Add($"""
            CREATE TABLE IF NOT EXISTS {TagsTable} (
                ordering_id BIGINT NOT NULL,
                tag VARCHAR(64) NOT NULL,
                persistence_id VARCHAR(255) NOT NULL,
                sequence_nr BIGINT NOT NULL,
                PRIMARY KEY (ordering_id, tag))
            """);
        statements.Add($"CREATE INDEX IF NOT EXISTS {IndexName(Tables.Tags, "pid_seq_idx")} ON {TagsTable} (persistence_id, sequence_nr)");
        statements.Add($"""
            CREATE TABLE IF NOT EXISTS {SnapshotTable} (
                persistence_id VARCHAR(255) NOT NULL,
                sequence_number BIGINT NOT NULL,
                created BIGINT NOT NULL,
                snapshot BYTEA NOT NULL,
                manifest VARCHAR(500) NOT NULL,
                serializer_id INTEGER NULL,
                PRIMARY KEY (persistence_id, sequence_number))
            """);
        return statements;
    }

    public override string InsertReturningOrdering(string insert) => insert + " RETURNING ordering";

    public override bool IsUniqueViolation(DbException error) =>
        error is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
