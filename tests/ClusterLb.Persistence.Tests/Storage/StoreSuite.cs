using ClusterLb.Persistence.Journal;
using ClusterLb.Persistence.Serialization;
using ClusterLb.Persistence.Snapshot;
using ClusterLb.Persistence.Sql;
using ClusterLb.Persistence.Tests.Infrastructure;
using ClusterLb.Persistence.Tests.Messages;

namespace ClusterLb.Persistence.Tests.Storage;

/// <summary>
/// The journal and snapshot-store contract, run once per provider by the subclasses. Each test gets its own
/// database (temp file or fresh schema), so tests are independent.
/// </summary>
public abstract partial class StoreSuite : IAsyncLifetime
{
    private TestDatabase? _database;

    protected TestDatabase Database => _database ?? throw new InvalidOperationException("Not initialized.");

    protected SqlDialect Dialect { get; private set; } = null!;

    protected ProtobufPayloadSerializer Serializer { get; } = TestRegistry.Serializer();

    protected SqlJournal Journal { get; private set; } = null!;

    protected SqlSnapshotStore Snapshots { get; private set; } = null!;

    public Task InitializeAsync()
    {
        _database = CreateDatabase();
        Dialect = Database.CreateDialect();
        Journal = new SqlJournal(Dialect, Serializer);
        Snapshots = new SqlSnapshotStore(Dialect, Serializer);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    protected abstract TestDatabase CreateDatabase();

    protected static PersistentRepr Event(string pid, long seq, long amount = 1, string writer = "w1", IReadOnlyCollection<string>? tags = null) =>
        new(pid, seq, new CounterIncremented { Amount = amount, Note = $"e{seq}" }, writer, tags);

    protected static AtomicWrite Single(string pid, long seq, long amount = 1, string writer = "w1") => new(Event(pid, seq, amount, writer));

    protected async Task<List<PersistentRepr>> ReplayAll(string pid, IJournal? journal = null)
    {
        var replayed = new List<PersistentRepr>();
        await (journal ?? Journal).ReplayAsync(pid, 1, long.MaxValue, long.MaxValue, replayed.Add);
        return replayed;
    }

    protected async Task<long> CountRows(string table, string pid)
    {
        await using var connection = await Dialect.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table} WHERE persistence_id = @pid";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@pid";
        parameter.Value = pid;
        command.Parameters.Add(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class SqliteStoreTests : StoreSuite
{
    protected override TestDatabase CreateDatabase() => new SqliteTestDatabase();
}

[RequiresPostgres]
public sealed class PostgresStoreTests : StoreSuite
{
    protected override TestDatabase CreateDatabase() => new PostgresTestDatabase();
}
