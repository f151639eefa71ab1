using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Tests.Shared;
using Npgsql;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// The whole-cluster restart on PostgreSQL: three nodes share one database (one schema), each with its own durable
/// registry table and its own audit persistence id; after every node stopped, the runtime registry comes back.
/// </summary>
[Collection(RegistryClusterCollection.Name)]
public sealed class RegistryPostgresRestartTests(ITestOutputHelper output)
{
    [PostgresFact]
    public async Task After_every_node_restarts_the_runtime_registry_is_back_from_postgresql()
    {
        var connection = Prerequisites.RequirePostgres();
        var schema = $"clb_it_{Guid.NewGuid():N}"[..20];
        await ExecuteAsync(connection, $"CREATE SCHEMA {schema}");
        try
        {
            await using var b1 = await TestBackend.StartAsync("b1");
            await using var b2 = await TestBackend.StartAsync("b2");
            await using var cluster = await LbCluster.StartAsync(output, 3, $$"""
                persistence { provider = postgresql, postgresql { connection-string = "{{connection}}", schema = {{schema}} } }
                health-check { path = "/health", interval = 100ms }
                services.web.pools = [ { id = main, hosts = [ { id = b1, address = "{{b1.Url}}" } ] } ]
                """);
            Assert.Equal(201, (await cluster.Api(1).PostAsync("/api/pools/main/hosts", $$"""{"id":"b2","address":"{{b2.Url}}","weight":3}""")).Status);
            Assert.Equal(200, (await cluster.Api(2).DeleteAsync("/api/pools/main/hosts/b1")).Status);
            await Poll.UntilAsync(async () => (await Task.WhenAll(cluster.Indexes.Select(async i => HostIds(await cluster.Api(i).GetAsync("/api/pools/main"))))).All(ids => ids == "b2"),
                "every node to list exactly b2", TimeSpan.FromSeconds(15));

            await cluster.StopAllAsync();
            foreach (var i in cluster.Indexes)
            {
                await cluster.StartNodeAsync(i);
            }
            await cluster.WaitFormedAsync();

            foreach (var i in cluster.Indexes)
            {
                var pool = await cluster.Api(i).GetAsync("/api/pools/main");
                Assert.Equal("b2", HostIds(pool));
                Assert.Equal(3, pool.Body.GetProperty("hosts")[0].GetProperty("weight").GetInt32());
            }
            // Each node kept its own durable table; the audit log shares the journal table under per-node ids.
            var tables = await QueryAsync(connection, $"SELECT table_name FROM information_schema.tables WHERE table_schema = '{schema}' ORDER BY 1");
            Assert.Contains("ddata_durable_node1", tables);
            Assert.Contains("ddata_durable_node3", tables);
            Assert.Contains("journal", tables);
        }
        finally
        {
            await ExecuteAsync(connection, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        }
    }

    private static string HostIds(AdminAnswer pool) =>
        pool.Status == 200 ? string.Join(",", pool.Body.GetProperty("hosts").EnumerateArray().Select(h => h.GetProperty("id").GetString()).Order(StringComparer.Ordinal)) : $"status {pool.Status}";

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> QueryAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }
}
