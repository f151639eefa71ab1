using ClusterLb.Persistence.Sql;
using Npgsql;

namespace ClusterLb.Persistence.Tests.Infrastructure;

/// <summary>
/// A private database for one test: a temp SQLite file, or a fresh PostgreSQL schema dropped afterwards.
/// <see cref="CreateDialect"/> can be called repeatedly to simulate independent processes on the same data.
/// </summary>
public abstract class TestDatabase : IAsyncDisposable
{
    private readonly List<SqlDialect> _dialects = [];

    public abstract PersistenceProvider Provider { get; }

    public SqlDialect CreateDialect()
    {
        var dialect = NewDialect();
        lock (_dialects)
        {
            _dialects.Add(dialect);
        }

        return dialect;
    }

    /// <summary>Arguments for the crash-writer child process to open the same database.</summary>
    public abstract string[] CrashWriterArguments { get; }

    public virtual async ValueTask DisposeAsync()
    {
        foreach (var dialect in _dialects)
        {
            await dialect.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    protected abstract SqlDialect NewDialect();
}

public sealed class SqliteTestDatabase : TestDatabase
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "clusterlb-persistence-tests", Guid.NewGuid().ToString("N"));

    public SqliteTestDatabase()
    {
        Directory.CreateDirectory(_directory);
        FilePath = Path.Combine(_directory, "journal.db");
    }

    public string FilePath { get; }

    public override PersistenceProvider Provider => PersistenceProvider.Sqlite;

    public override string[] CrashWriterArguments => ["sqlite", FilePath];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A pooled handle may still be closing; the temp folder is harmless.
        }
    }

    protected override SqlDialect NewDialect() => new SqliteDialect(FilePath, TimeSpan.FromSeconds(5));
}

public sealed class PostgresTestDatabase : TestDatabase
{
    private readonly string _connectionString = Prerequisites.RequirePostgres();

    public string Schema { get; } = "clb_test_" + Guid.NewGuid().ToString("N")[..12];

    public override PersistenceProvider Provider => PersistenceProvider.PostgreSql;

    public override string[] CrashWriterArguments => ["postgresql", _connectionString, Schema];

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    protected override SqlDialect NewDialect() => new PostgreSqlDialect(_connectionString, new TableNames(Schema: Schema));
}
