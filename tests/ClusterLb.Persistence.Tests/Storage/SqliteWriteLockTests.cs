using System.Data.Common;
using ClusterLb.Persistence.Tests.Infrastructure;
using ClusterLb.Persistence.Sql;
using Microsoft.Data.Sqlite;

namespace ClusterLb.Persistence.Tests.Storage;

/// <summary>
/// Two connections of one node writing its SQLite file (the audit journal and the durable registry do): the second
/// writer waits for the first's write lock, bounded by the busy timeout. SQLite's own busy handler is off (see
/// <see cref="SqliteDialect"/>), so these check that the wait still happens and still ends.
/// </summary>
public sealed class SqliteWriteLockTests
{
    [Fact]
    public async Task A_write_that_meets_another_connections_transaction_waits_for_it_and_succeeds()
    {
        await using var database = new SqliteTestDatabase();
        await using var dialect = new SqliteDialect(database.FilePath, TimeSpan.FromSeconds(10));
        await ExecuteAsync(dialect, "CREATE TABLE t (k TEXT PRIMARY KEY)");

        await using var holder = await dialect.OpenAsync(CancellationToken.None);
        await using var transaction = await holder.BeginTransactionAsync();
        await ExecuteAsync(holder, "INSERT INTO t VALUES ('first')", transaction);
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = Task.Run(async () =>
        {
            secondStarted.SetResult();
            await ExecuteAsync(dialect, "INSERT INTO t VALUES ('second')");
        });
        await secondStarted.Task;
        Assert.False(second.IsCompleted, "the second write cannot finish while the first transaction holds the write lock");
        await transaction.CommitAsync();

        await second.WaitAsync(TimeSpan.FromSeconds(10));
        await using var reader = await dialect.OpenAsync(CancellationToken.None);
        await using var count = reader.CreateCommand();
        count.CommandText = "SELECT group_concat(k, ',') FROM (SELECT k FROM t ORDER BY k)";
        Assert.Equal("first,second", await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_write_lock_held_longer_than_the_busy_timeout_fails_the_waiting_write_with_sqlite_busy()
    {
        await using var database = new SqliteTestDatabase();
        await using var dialect = new SqliteDialect(database.FilePath, TimeSpan.FromSeconds(1));
        await ExecuteAsync(dialect, "CREATE TABLE t (k TEXT PRIMARY KEY)");
        await using var holder = await dialect.OpenAsync(CancellationToken.None);
        await using var transaction = await holder.BeginTransactionAsync();
        await ExecuteAsync(holder, "INSERT INTO t VALUES ('first')", transaction);

        var e = await Assert.ThrowsAsync<SqliteException>(() => ExecuteAsync(dialect, "INSERT INTO t VALUES ('second')"));

        Assert.Equal(5 /* SQLITE_BUSY */, e.SqliteErrorCode);
        // The holder's transaction is unaffected.
        await transaction.CommitAsync();
    }

    private static async Task ExecuteAsync(SqliteDialect dialect, string sql)
    {
        await using var connection = await dialect.OpenAsync(CancellationToken.None);
        await ExecuteAsync(connection, sql);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        await command.ExecuteNonQueryAsync();
    }
}
