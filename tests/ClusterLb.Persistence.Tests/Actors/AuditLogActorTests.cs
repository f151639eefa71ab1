using ClusterLb.Actors;
using ClusterLb.Persistence.Audit;
using ClusterLb.Persistence.Sql;
using ClusterLb.Persistence.Tests.Infrastructure;

namespace ClusterLb.Persistence.Tests.Actors;

public sealed class AuditLogActorTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly SqliteTestDatabase _database = new();
    private readonly ManualTimeProvider _time = new();
    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        var dialect = _database.CreateDialect();
        var registry = new Serialization.MessageTypeRegistry();
        var serializer = new Serialization.ProtobufPayloadSerializer(registry);
        _system = ActorSystem.Create("audit-tests");
        PersistenceExtension.Register(_system, new PersistenceExtension(new SqlJournal(dialect, serializer), new SqlSnapshotStore(dialect, serializer), registry));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _system.Terminate();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Records_entries_and_answers_pages_in_order_across_a_restart()
    {
        var log = _system.ActorOf(AuditLogActor.Props(time: _time));
        var start = _time.GetUtcNow();
        for (var i = 1; i <= 3; i++)
        {
            var recorded = await log.Ask<AuditRecorded>(new RecordAudit("node-a", "alice", "add_host", $"pool/web/host/{i}", $"weight={i}"), Timeout);
            Assert.Equal(i, recorded.SequenceNr);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var first = await log.Ask<AuditEntriesPage>(new GetAuditEntries(1, 2), Timeout);
        Assert.Equal(
            [
                new AuditRecord(1, DateTimeOffset.FromUnixTimeMilliseconds(start.ToUnixTimeMilliseconds()), "node-a", "alice", "add_host", "pool/web/host/1", "weight=1"),
                new AuditRecord(2, DateTimeOffset.FromUnixTimeMilliseconds(start.AddSeconds(1).ToUnixTimeMilliseconds()), "node-a", "alice", "add_host", "pool/web/host/2", "weight=2"),
            ],
            first.Entries);
        Assert.Equal(3, first.NextSequenceNr);
        Assert.Equal(3, first.HighestSequenceNr);

        await StopAsync(log);
        var restarted = _system.ActorOf(AuditLogActor.Props(time: _time));
        Assert.Equal(4, (await restarted.Ask<AuditRecorded>(new RecordAudit("node-b", "bob", "down_host", "pool/web/host/2"), Timeout)).SequenceNr);

        var rest = await restarted.Ask<AuditEntriesPage>(new GetAuditEntries(3, 10), Timeout);
        Assert.Equal([3L, 4], rest.Entries.Select(e => e.SequenceNr));
        Assert.Equal("bob", rest.Entries[1].Actor);
        Assert.Equal(5, rest.NextSequenceNr);

        var beyond = await restarted.Ask<AuditEntriesPage>(new GetAuditEntries(5, 10), Timeout);
        Assert.Empty(beyond.Entries);
        Assert.Equal(5, beyond.NextSequenceNr);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(1, 0)]
    [InlineData(1, AuditLogActor.MaxPageSize + 1)]
    public async Task An_invalid_query_fails_with_the_bounds_named(long from, int max)
    {
        var log = _system.ActorOf(AuditLogActor.Props(time: _time));

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => log.Ask<AuditEntriesPage>(new GetAuditEntries(from, max), Timeout));

        Assert.Contains($"FromSequenceNr={from}, Max={max}", error.Message);
    }

    private async Task StopAsync(IActorRef actor)
    {
        var probe = new Probe(_system);
        await probe.WatchAsync(actor);
        _system.Stop(actor);
        Assert.Equal(actor, (await probe.ExpectAsync<Terminated>()).ActorRef);
    }
}

public sealed class PersistenceFromConfigTests
{
    [Fact]
    public async Task The_system_configuration_selects_a_sqlite_file_under_the_data_directory()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "clusterlb-persistence-tests", Guid.NewGuid().ToString("N"));
        var config = Hocon.ConfigFactory.ParseString($"clusterlb.node.data-dir = \"{dataDir}\"\nclusterlb.persistence.sqlite.path = audit/events.db").Resolve();
        await using (var system = ActorSystem.Create("config-tests", new ActorSystemSetup(config)))
        {
            var extension = PersistenceExtension.Register(system);
            Assert.Same(extension, PersistenceExtension.Get(system));
            var log = system.ActorOf(AuditLogActor.Props());
            Assert.Equal(1, (await log.Ask<AuditRecorded>(new RecordAudit("n", "a", "x", "t"), TimeSpan.FromSeconds(15))).SequenceNr);
            Assert.Throws<InvalidOperationException>(() => PersistenceExtension.Register(
                system, new PersistenceExtension(extension.Journal, extension.SnapshotStore, extension.Registry)));
        }

        Assert.True(File.Exists(Path.Combine(dataDir, "audit", "events.db")));
        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public async Task Get_without_registered_persistence_fails_with_a_clear_error()
    {
        await using var system = ActorSystem.Create("no-persistence");

        var error = Assert.Throws<InvalidOperationException>(() => PersistenceExtension.Get(system));

        Assert.Contains("PersistenceExtension.Register", error.Message);
    }
}
