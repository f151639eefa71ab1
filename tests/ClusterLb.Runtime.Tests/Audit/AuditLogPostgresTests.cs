using ClusterLb.Runtime.Audit;
using ClusterLb.Tests.Shared;
using Npgsql;

namespace ClusterLb.Runtime.Tests.Audit;

/// <summary>The audit log on a real PostgreSQL server, each test in a schema of its own.</summary>
public sealed class AuditLogPostgresTests : IAsyncLifetime
{
    private readonly string _schema = "audit_test_" + Guid.NewGuid().ToString("N");
    private string _connectionString = "";

    [PostgresFact]
    public async Task Entries_survive_a_restart_and_the_sequence_continues()
    {
        var config = AuditPersistenceConfig.Postgres(_connectionString, _schema);
        await using (var before = await AuditTestNode.StartAsync(config, "n1"))
        {
            Assert.Equal(1, await before.RecordAsync("a"));
            Assert.Equal(2, await before.RecordAsync("b"));
            Assert.Equal(3, await before.RecordAsync("c"));
            var first = await before.PageAsync(2, 1);
            Assert.Equal((2L, "b", 3L, 3L), (Assert.Single(first.Entries).SequenceNr, first.Entries[0].Action, first.NextSequenceNr, first.HighestSequenceNr));
        }

        await using var after = await AuditTestNode.StartAsync(config, "n1");
        Assert.Equal(4, await after.RecordAsync("d"));
        var page = await after.PageAsync(1, 10);
        Assert.Equal(new[] { "a", "b", "c", "d" }, page.Entries.Select(e => e.Action));
        Assert.Equal(4, page.HighestSequenceNr);
        Assert.Equal(4, await CountJournalRowsAsync());
    }

    public async Task InitializeAsync()
    {
        if (Prerequisites.PostgresSkipReason is not null)
        {
            return;
        }

        _connectionString = Prerequisites.RequirePostgres();
        // Akka.Persistence.Sql creates tables, not schemas.
        await ExecuteAsync($"CREATE SCHEMA {_schema}");
    }

    public async Task DisposeAsync()
    {
        if (_connectionString.Length > 0)
        {
            await ExecuteAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
        }
    }

    private async Task<long> CountJournalRowsAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {_schema}.journal WHERE persistence_id = 'audit-log-n1'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
