using Akka.Actor;
using ClusterLb.Runtime.Audit;
using Microsoft.Data.Sqlite;

namespace ClusterLb.Runtime.Tests.Audit;

/// <summary>A write the database refuses reaches the asker as that error, not as an ask timeout.</summary>
public sealed class AuditLogWriteFailureTests : IDisposable
{
    private readonly TempDatabaseDirectory _directory = new();

    [Fact]
    public async Task A_failed_write_is_answered_with_the_database_error()
    {
        await using var node = await AuditTestNode.StartAsync(AuditPersistenceConfig.Sqlite(_directory.DatabaseFile), "n1");
        await node.RecordAsync("before");
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _directory.DatabaseFile, Pooling = false }.ConnectionString))
        {
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE journal";
            drop.ExecuteNonQuery();
        }

        var error = await Assert.ThrowsAnyAsync<Exception>(() => node.RecordAsync("after"));

        Assert.IsNotType<AskTimeoutException>(error);
        Assert.Contains("no such table", AllMessages(error));
    }

    private static string AllMessages(Exception? e)
    {
        var messages = new List<string>();
        for (; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        return string.Join(" | ", messages);
    }

    public void Dispose() => _directory.Dispose();
}
