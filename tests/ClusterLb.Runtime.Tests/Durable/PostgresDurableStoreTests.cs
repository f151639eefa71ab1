using Akka.DistributedData;
using ClusterLb.Runtime.Durable;
using ClusterLb.Tests.Shared;
using Npgsql;

namespace ClusterLb.Runtime.Tests.Durable;

/// <summary>The SQL durable store on a real PostgreSQL server, each test in a schema of its own.</summary>
public sealed class PostgresDurableStoreTests
{
    [PostgresFact]
    public async Task Durable_keys_round_trip_through_postgresql_in_a_schema_the_store_creates()
    {
        await using var schema = TempSchema.Create();
        var durable = SqlDurableStoreConfig.Postgres(schema.ConnectionString, schema.Name);

        await using (var first = await DurableNode.StartAsync(durable))
        {
            Assert.IsType<UpdateSuccess>(await first.AddHostAsync("h1", "10.0.0.1:80"));
            Assert.IsType<UpdateSuccess>(await first.IncrementAsync(RegistryKeys.Version, 2));
            Assert.IsType<UpdateSuccess>(await first.IncrementAsync(RegistryKeys.Scratch));
            Assert.Equal(["registry-hosts", "registry-version"], await schema.StoredKeysAsync());
        }

        await using var second = await DurableNode.StartAsync(durable);
        Assert.Equal("10.0.0.1:80", (await second.GetValueAsync(RegistryKeys.Hosts)).Entries["h1"]);
        Assert.Equal(2UL, (await second.GetValueAsync(RegistryKeys.Version)).Value);
        Assert.IsType<NotFound>(await second.GetAsync(RegistryKeys.Scratch));
    }

    [PostgresFact]
    public async Task A_dropped_table_answers_StoreFailure_then_the_next_write_recreates_it()
    {
        await using var schema = TempSchema.Create();
        await using var node = await DurableNode.StartAsync(SqlDurableStoreConfig.Postgres(schema.ConnectionString, schema.Name));
        Assert.IsType<UpdateSuccess>(await node.IncrementAsync(RegistryKeys.Version));

        await schema.ExecuteAsync($"DROP TABLE \"{schema.Name}\".ddata_durable");

        Assert.IsType<StoreFailure>(await node.IncrementAsync(RegistryKeys.Version));
        Assert.IsType<UpdateSuccess>(await node.IncrementAsync(RegistryKeys.Version));
        Assert.Equal(["registry-version"], await schema.StoredKeysAsync());
    }

    [PostgresFact]
    public async Task Stores_starting_at_once_create_the_schema_and_table_without_a_race()
    {
        await using var schema = TempSchema.Create();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var creators = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            using var table = new PostgresDurableTable(schema.ConnectionString, schema.Name, "ddata_durable");
            return table.ReadAll().Count;
        })).ToList();

        start.SetResult();
        var counts = await Task.WhenAll(creators).WaitAsync(DurableNode.Deadline);
        Assert.All(counts, count => Assert.Equal(0, count));
    }

    [Fact]
    public async Task An_unreachable_server_fails_LoadAll_naming_user_host_and_database_but_not_the_password()
    {
        // Port 1 on loopback refuses at once: no server is needed to see the failure.
        var durable = SqlDurableStoreConfig.Postgres(
            "Host=127.0.0.1;Port=1;Username=lb;Password=s3cret-pw;Database=registry;Timeout=5", "ddata");

        var failure = await SqliteDurableStoreTests.ExpectLoadFailureAsync(durable);
        Assert.Contains("lb@127.0.0.1:1/registry", failure.Message);
        Assert.DoesNotContain("s3cret-pw", failure.ToString());
    }

    /// <summary>A unique schema name on the test server; the schema (created by the store) is dropped afterwards.</summary>
    private sealed class TempSchema : IAsyncDisposable
    {
        private TempSchema(string connectionString, string name)
        {
            ConnectionString = connectionString;
            Name = name;
        }

        public string ConnectionString { get; }

        public string Name { get; }

        public static TempSchema Create() =>
            new(Prerequisites.RequirePostgres(), "ddata_test_" + Guid.NewGuid().ToString("N"));

        public async Task<IReadOnlyList<string>> StoredKeysAsync()
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"SELECT key FROM \"{Name}\".ddata_durable ORDER BY key", connection);
            await using var reader = await command.ExecuteReaderAsync();
            var keys = new List<string>();
            while (await reader.ReadAsync())
            {
                keys.Add(reader.GetString(0));
            }

            return keys;
        }

        public async Task ExecuteAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        public async ValueTask DisposeAsync() => await ExecuteAsync($"DROP SCHEMA IF EXISTS \"{Name}\" CASCADE");
    }
}
