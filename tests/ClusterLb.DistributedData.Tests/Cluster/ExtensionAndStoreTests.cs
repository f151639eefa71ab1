using ClusterLb.Actors;
using ClusterLb.DistributedData.Durable;
using ClusterLb.DistributedData.Tests.Replication;
using ClusterLb.Hocon;
using ClusterLb.Persistence.Sql;
using Microsoft.Data.Sqlite;

namespace ClusterLb.DistributedData.Tests.ClusterMode;

public class ExtensionAndStoreTests
{
    [Fact]
    public async Task Without_remoting_the_replicator_runs_alone_and_durable_keys_without_persistence_are_dropped_with_a_warning()
    {
        var logs = new CapturingLoggerFactory();
        var config = ConfigFactory.ParseString("clusterlb.distributed-data.durable.keys = [\"registry-*\"]");
        var system = ActorSystem.Create("standalone", new ActorSystemSetup(config, logs));
        try
        {
            var ddata = DistributedData.Get(system);

            Assert.False(ddata.IsClustered);
            Assert.Null(ddata.DurableStore);
            Assert.Empty(ddata.Settings.DurableKeys);
            Assert.Contains(logs.Entries, e => e.Id.Id == 6009 && e.Message.Contains("registry-*"));
            Assert.Equal("/system/ddataReplicator", "/" + string.Join("/", ddata.Replicator.Path.Elements));
            Assert.Same(ddata, DistributedData.Get(system));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task The_sql_store_creates_its_table_keeps_the_latest_bytes_per_key_and_loads_them_all()
    {
        var dir = Directory.CreateTempSubdirectory("ddata-store-");
        var dialect = new SqliteDialect(Path.Combine(dir.FullName, "store.db"), TimeSpan.FromSeconds(5), "normal");
        try
        {
            var store = new SqlDurableStore(dialect);
            Assert.Empty(await store.LoadAllAsync(CancellationToken.None));

            await store.StoreAsync("registry-a", [1, 2, 3], CancellationToken.None);
            await store.StoreAsync("registry-b", [4], CancellationToken.None);
            await store.StoreAsync("registry-a", [9], CancellationToken.None);

            var loaded = await new SqlDurableStore(dialect).LoadAllAsync(CancellationToken.None);
            Assert.Equal(2, loaded.Count);
            Assert.Equal([9], loaded["registry-a"]);
            Assert.Equal([4], loaded["registry-b"]);
        }
        finally
        {
            await dialect.DisposeAsync();
            SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("ddata-durable")]
    [InlineData("x\"; DROP TABLE journal; --")]
    public void A_bad_table_name_is_refused_naming_it(string table)
    {
        var dialect = new SqliteDialect(Path.Combine(Path.GetTempPath(), "unused-ddata.db"), TimeSpan.FromSeconds(1));
        var error = Assert.Throws<ArgumentException>(() => new SqlDurableStore(dialect, table));
        Assert.Contains("table name", error.Message);
    }
}
