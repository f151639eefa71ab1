using ClusterLb.Hocon;
using ClusterLb.Runtime.Audit;
using AkkaConfig = Akka.Configuration.Config;
using Config = ClusterLb.Hocon.Config;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// <c>clusterlb.persistence.*</c> onto Akka.Persistence.Sql's journal, snapshot store and read journal (the audit
/// log's storage), through <see cref="AuditPersistenceConfig"/>: SQLite under the data directory by default,
/// PostgreSQL when <c>provider = postgresql</c>.
/// </summary>
internal static class PersistenceMapping
{
    /// <summary>The Akka persistence configuration of the node.</summary>
    /// <param name="config">The resolved ClusterLb configuration.</param>
    /// <param name="dataDir">The node's data directory (a relative SQLite path resolves against it).</param>
    /// <param name="createDirectory">Create the SQLite file's directory (a start), or only describe it (<c>config akka</c>).</param>
    /// <exception cref="HoconException">A value Akka.Persistence.Sql would refuse, with its position.</exception>
    /// <exception cref="IOException">The SQLite directory cannot be created (the message names it).</exception>
    public static AkkaConfig Map(Config config, string dataDir, bool createDirectory)
    {
        var p = PersistenceParameters.FromConfig(config, dataDir);
        var block = config.GetConfig("clusterlb.persistence", Config.Empty);
        var options = new AuditPersistenceOptions
        {
            AutoInitialize = p.AutoInitialize,
            JournalTable = p.JournalTable,
            TagTable = p.TagsTable,
            SnapshotTable = p.SnapshotTable,
            BatchSize = AtLeastOne(config, "journal.batch-size", 100),
            ReplayBatchSize = AtLeastOne(config, "journal.replay-batch-size", 1000),
            JournalCircuitBreaker = Breaker(block, "journal.circuit-breaker", PersistenceCircuitBreaker.JournalDefault),
            SnapshotStoreCircuitBreaker = Breaker(block, "snapshot-store.circuit-breaker", PersistenceCircuitBreaker.SnapshotStoreDefault),
        };
        try
        {
            return p.Provider == PersistenceParameters.Sqlite
                ? AuditPersistenceConfig.Sqlite(p.SqlitePath, p.SqliteBusyTimeout, options, createDirectory)
                : AuditPersistenceConfig.Postgres(p.PostgresConnectionString, p.PostgresSchema, options);
        }
        catch (ArgumentException ex)
        {
            // Batch sizes below 1, table or schema names that are not plain identifiers, a connection string that does not parse.
            throw new HoconException(ClusterLbValues.OriginOf(config, "clusterlb.persistence"), $"clusterlb.persistence: {ex.Message}");
        }
    }

    private static int AtLeastOne(Config config, string key, int defaultValue)
    {
        var path = "clusterlb.persistence." + key;
        var value = config.GetInt(path, defaultValue);
        return value >= 1 ? value : throw ClusterLbValues.Error(config, path, $"{value} is below the minimum 1");
    }

    private static PersistenceCircuitBreaker Breaker(Config block, string path, PersistenceCircuitBreaker defaults) => new(
        block.GetInt(path + ".max-failures", defaults.MaxFailures),
        block.GetDuration(path + ".call-timeout", defaults.CallTimeout),
        block.GetDuration(path + ".reset-timeout", defaults.ResetTimeout));
}
