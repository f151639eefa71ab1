using ClusterLb.DistributedData.Durable;
using ClusterLb.DistributedData.Replication;
using ClusterLb.Remote.Transport;
using Microsoft.Data.Sqlite;
using Npgsql;
using Pool = ClusterLb.DistributedData.Crdt.LWWMap<string, string>;

namespace ClusterLb.DistributedData.Tests.ClusterMode;

/// <summary>Durable keys in the node's SQL database (SqlDurableStore through the persistence extension) across a restart.</summary>
[Collection(RealSockets.Name)]
public class DurableStoreOnClusterTests
{
    [Fact]
    public async Task A_restarted_node_gets_its_durable_keys_back_from_sqlite_before_answering_a_get()
    {
        var dir = Directory.CreateTempSubdirectory("ddata-durable-");
        try
        {
            var path = Path.Combine(dir.FullName, "node.db");
            var config = $$"""
                clusterlb.persistence { provider = sqlite, sqlite { path = "{{path}}", synchronous = normal } }
                clusterlb.distributed-data.durable.keys = ["registry-*"]
                """;
            await RestartKeepsDurableKeys(config);

            // Its own table, next to the journal's.
            await using var connection = new SqliteConnection($"Data Source={path}");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT \"key\" FROM {SqlDurableStore.DefaultTable}";
            var keys = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    keys.Add(reader.GetString(0));
                }
            }

            Assert.Equal(["registry-pool-web"], keys);
            SqliteConnection.ClearPool(connection);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    [PostgresFact]
    public async Task A_restarted_node_gets_its_durable_keys_back_from_postgresql_before_answering_a_get()
    {
        var connectionString = Prerequisites.RequirePostgres();
        var schema = "ddata_test_" + Guid.NewGuid().ToString("N")[..12];
        var config = $$"""
            clusterlb.persistence { provider = postgresql, postgresql { connection-string = "{{connectionString}}", schema = "{{schema}}" } }
            clusterlb.distributed-data.durable.keys = ["registry-*"]
            """;
        try
        {
            await RestartKeepsDurableKeys(config);
        }
        finally
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task RestartKeepsDurableKeys(string config)
    {
        var faults = new TransportFaults();
        var durable = new Key<Pool>("registry-pool-web");
        var transient = new Key<Pool>("scratch");
        ClusterLb.DistributedData.Crdt.ReplicaId firstId;

        await using (var first = await DdataNode.StartAsync(faults, config, withPersistence: true))
        {
            firstId = first.Id;
            Assert.IsType<SqlDurableStore>(first.Ddata.DurableStore);
            first.Cluster.Join(first.Cluster.SelfAddress);
            // The reply of a durable key's update waits for the store, so the data is on disk once it arrives.
            Assert.IsType<UpdateSuccess>(await first.Update(durable, Pool.Empty, WriteLocal.Instance, p => p.SetItem(first.Id, "host-1", "{\"port\":80}")));
            Assert.IsType<UpdateSuccess>(await first.Update(transient, Pool.Empty, WriteLocal.Instance, p => p.SetItem(first.Id, "x", "y")));
        }

        await using var second = await DdataNode.StartAsync(faults, config, withPersistence: true);
        Assert.NotEqual(firstId, second.Id);

        // The very first request, before this node even joins a cluster, already sees the loaded key.
        var got = Assert.IsType<GetSuccess>(await second.Ask(new Get(durable, ReadLocal.Instance)));
        Assert.Equal("{\"port\":80}", got.Get(durable).Entries["host-1"]);
        Assert.IsType<NotFound>(await second.Ask(new Get(transient, ReadLocal.Instance)));
    }
}
