using ClusterLb.Hocon;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// <c>clusterlb.distributed-data.*</c> onto <c>akka.cluster.distributed-data</c>, with durable keys stored by
/// ClusterLb's SQL durable store in the database <c>clusterlb.persistence</c> selects.
/// </summary>
internal static class DistributedDataMapping
{
    /// <summary>The durable store actor Akka's Replicator starts (ClusterLb.Runtime.Durable).</summary>
    public const string StoreActorClass = "ClusterLb.Runtime.Durable.SqlDurableStore, ClusterLb.Runtime";

    /// <summary>Where the durable keys live under the data directory when SQLite is used.</summary>
    public const string DefaultSqlitePath = "ddata/registry.db";

    private const string DData = "akka.cluster.distributed-data";

    public static void Map(Config config, AkkaConfigTree tree, string dataDir)
    {
        var block = config.GetConfig("clusterlb.distributed-data", Config.Empty);
        var m = new KeyMapper(block, tree, "clusterlb.distributed-data");
        m.String("role", DData + ".role");
        m.Duration("gossip-interval", DData + ".gossip-interval");
        m.Duration("notify-subscribers-interval", DData + ".notify-subscribers-interval");
        m.Int("max-delta-elements", DData + ".max-delta-elements", min: 1);
        m.Duration("pruning-interval", DData + ".pruning-interval");
        m.Duration("max-pruning-dissemination", DData + ".max-pruning-dissemination");
        m.Duration("pruning-marker-time-to-live", DData + ".pruning-marker-time-to-live");
        m.Bool("delta-crdt.enabled", DData + ".delta-crdt.enabled");
        m.Int("delta-crdt.max-delta-size", DData + ".delta-crdt.max-delta-size", min: 1);

        m.StringList("durable.keys", DData + ".durable.keys");
        m.Duration("durable.pruning-marker-time-to-live", DData + ".durable.pruning-marker-time-to-live");
        tree.Set(DData + ".durable.store-actor-class", StoreActorClass);

        var sql = DData + ".durable.sql";
        var persistence = PersistenceParameters.FromConfig(config, dataDir);
        tree.Set(sql + ".provider", persistence.Provider);
        var table = block.GetString("durable.table", "ddata_durable");
        tree.Set(sql + ".table", persistence.Provider == PersistenceParameters.Sqlite ? table : NodeTable(table, config));
        tree.Set(sql + ".write-behind-interval", block.HasPath("durable.write-behind-interval")
            ? ClusterLbValues.DurationOrOff(block, "durable.write-behind-interval")
            : "off");
        if (persistence.Provider == PersistenceParameters.Sqlite)
        {
            var path = block.GetString("durable.sqlite-path", DefaultSqlitePath);
            tree.Set(sql + ".sqlite.path", Path.GetFullPath(Path.Combine(dataDir, path)));
            tree.Set(sql + ".sqlite.busy-timeout", ClusterLbValues.Millis(persistence.SqliteBusyTimeout));
        }
        else
        {
            tree.Set(sql + ".postgresql.connection-string", persistence.PostgresConnectionString);
            tree.Set(sql + ".postgresql.schema", persistence.PostgresSchema);
        }
    }

    /// <summary>
    /// A table of this node's own in a shared PostgreSQL database: the store keys rows by DData key alone, so two
    /// nodes writing one table would load each other's values after a restart. <c>ddata_durable_lb_1</c> for node
    /// <c>lb-1</c>; SQLite files are per node already.
    /// </summary>
    private static string NodeTable(string table, Config config)
    {
        var node = config.GetString("clusterlb.node.name", "clusterlb-node").Trim().ToLowerInvariant();
        var suffix = new string([.. node.Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '_')]);
        return suffix.Length == 0 ? table : $"{table}_{suffix}";
    }
}
