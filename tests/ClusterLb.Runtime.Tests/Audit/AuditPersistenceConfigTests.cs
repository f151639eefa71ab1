using ClusterLb.Runtime.Audit;

namespace ClusterLb.Runtime.Tests.Audit;

/// <summary>The rendered HOCON names Akka.Persistence.Sql's plugins and carries every setting to its Akka key.</summary>
public sealed class AuditPersistenceConfigTests : IDisposable
{
    private readonly TempDatabaseDirectory _directory = new();

    [Fact]
    public void Sqlite_config_selects_the_sql_plugins_with_their_class_keys_and_creates_the_directory()
    {
        var config = AuditPersistenceConfig.Sqlite(_directory.DatabaseFile, TimeSpan.FromMilliseconds(2500));

        Assert.True(Directory.Exists(Path.GetDirectoryName(_directory.DatabaseFile)));
        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("akka.persistence.snapshot-store.sql", config.GetString("akka.persistence.snapshot-store.plugin"));
        Assert.Equal("Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql", config.GetString("akka.persistence.journal.sql.class"));
        Assert.Equal("Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql", config.GetString("akka.persistence.snapshot-store.sql.class"));
        Assert.Equal("Akka.Persistence.Sql.Query.SqlReadJournalProvider, Akka.Persistence.Sql", config.GetString("akka.persistence.query.journal.sql.class"));
        Assert.Equal("akka.persistence.journal.sql", config.GetString("akka.persistence.query.journal.sql.write-plugin"));
        foreach (var plugin in new[] { "journal.sql", "snapshot-store.sql", "query.journal.sql" })
        {
            Assert.Equal("SQLite.MS", config.GetString($"akka.persistence.{plugin}.provider-name"));
            var connection = config.GetString($"akka.persistence.{plugin}.connection-string");
            Assert.Contains(_directory.DatabaseFile, connection);
            // 2.5 s rounds up to whole seconds, Microsoft.Data.Sqlite's unit.
            Assert.Contains("Default Timeout=3", connection);
        }

        Assert.Equal("proto", config.GetString("akka.actor.serialization-bindings.\"Google.Protobuf.IMessage, Google.Protobuf\""));
    }

    [Fact]
    public void Postgres_config_carries_schema_tables_batches_and_circuit_breakers()
    {
        var options = new AuditPersistenceOptions
        {
            AutoInitialize = false,
            JournalTable = "events",
            TagTable = "event_tags",
            SnapshotTable = "snapshots",
            BatchSize = 50,
            ReplayBatchSize = 200,
            JournalCircuitBreaker = new PersistenceCircuitBreaker(3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(7)),
            SnapshotStoreCircuitBreaker = new PersistenceCircuitBreaker(4, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1)),
        };
        const string connectionString = "Host=db;Username=clusterlb;Password=p\"w;Database=clusterlb";

        var config = AuditPersistenceConfig.Postgres(connectionString, "lb", options);

        var journal = config.GetConfig("akka.persistence.journal.sql");
        Assert.Equal(("PostgreSQL.15", connectionString, false), (journal.GetString("provider-name"), journal.GetString("connection-string"), journal.GetBoolean("auto-initialize")));
        Assert.Equal(("lb", "events", "event_tags"), (journal.GetString("default.schema-name"), journal.GetString("default.journal.table-name"), journal.GetString("default.tag.table-name")));
        Assert.Equal((50, 200), (journal.GetInt("batch-size"), journal.GetInt("replay-batch-size")));
        Assert.Equal((3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(7)), (journal.GetInt("circuit-breaker.max-failures"), journal.GetTimeSpan("circuit-breaker.call-timeout"), journal.GetTimeSpan("circuit-breaker.reset-timeout")));

        var snapshots = config.GetConfig("akka.persistence.snapshot-store.sql");
        Assert.Equal(("lb", "snapshots", false), (snapshots.GetString("default.schema-name"), snapshots.GetString("default.snapshot.table-name"), snapshots.GetBoolean("auto-initialize")));
        Assert.Equal((4, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1)), (snapshots.GetInt("circuit-breaker.max-failures"), snapshots.GetTimeSpan("circuit-breaker.call-timeout"), snapshots.GetTimeSpan("circuit-breaker.reset-timeout")));

        var query = config.GetConfig("akka.persistence.query.journal.sql");
        Assert.Equal(("lb", "events", connectionString), (query.GetString("default.schema-name"), query.GetString("default.journal.table-name"), query.GetString("connection-string")));
    }

    [Fact]
    public void An_empty_schema_leaves_the_search_path_and_defaults_match_reference_conf()
    {
        var config = AuditPersistenceConfig.Postgres("Host=db;Database=clusterlb", schema: "");

        var journal = config.GetConfig("akka.persistence.journal.sql");
        Assert.True(string.IsNullOrEmpty(journal.GetString("default.schema-name")));
        Assert.Equal(("journal", "tags"), (journal.GetString("default.journal.table-name"), journal.GetString("default.tag.table-name")));
        Assert.Equal("snapshot", config.GetString("akka.persistence.snapshot-store.sql.default.snapshot.table-name"));
        Assert.Equal((10, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)), (journal.GetInt("circuit-breaker.max-failures"), journal.GetTimeSpan("circuit-breaker.call-timeout"), journal.GetTimeSpan("circuit-breaker.reset-timeout")));
        Assert.Equal(5, config.GetInt("akka.persistence.snapshot-store.sql.circuit-breaker.max-failures"));
    }

    [Theory]
    [InlineData("journal; DROP TABLE x")]
    [InlineData("1journal")]
    [InlineData("")]
    public void A_table_name_that_is_not_a_plain_identifier_is_refused(string table)
    {
        Assert.Throws<ArgumentException>(() => AuditPersistenceConfig.Postgres("Host=db", options: new AuditPersistenceOptions { JournalTable = table }));
    }

    public void Dispose() => _directory.Dispose();
}
