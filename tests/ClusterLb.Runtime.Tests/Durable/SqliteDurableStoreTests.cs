using System.Diagnostics;
using Akka.Actor;
using Akka.DistributedData;
using Akka.DistributedData.Durable;
using Akka.Event;
using ClusterLb.Runtime.Durable;
using Xunit.Abstractions;

namespace ClusterLb.Runtime.Tests.Durable;

/// <summary>The SQL durable store on SQLite under the real Replicator of a self-joined cluster node.</summary>
public sealed class SqliteDurableStoreTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Durable_keys_written_at_WriteLocal_are_loaded_by_a_new_system_on_the_same_file()
    {
        using var file = new TempSqliteFile();
        var durable = SqlDurableStoreConfig.Sqlite(file.Path);

        await using (var first = await DurableNode.StartAsync(durable))
        {
            Assert.IsType<UpdateSuccess>(await first.AddHostAsync("h1", "10.0.0.1:80"));
            Assert.IsType<UpdateSuccess>(await first.AddHostAsync("h2", "10.0.0.2:80"));
            Assert.IsType<UpdateSuccess>(await first.IncrementAsync(RegistryKeys.Version, 3));
        }

        await using var second = await DurableNode.StartAsync(durable);
        // The Replicator stashes this Get until LoadAllCompleted: the first read already sees the stored state.
        var hosts = await second.GetValueAsync(RegistryKeys.Hosts);
        Assert.Equal(
            new Dictionary<string, string> { ["h1"] = "10.0.0.1:80", ["h2"] = "10.0.0.2:80" },
            hosts.Entries.ToDictionary(entry => entry.Key, entry => entry.Value));
        Assert.Equal(3UL, (await second.GetValueAsync(RegistryKeys.Version)).Value);
    }

    [Fact]
    public async Task A_non_durable_key_is_neither_stored_nor_loaded()
    {
        using var file = new TempSqliteFile();
        var durable = SqlDurableStoreConfig.Sqlite(file.Path);

        await using (var first = await DurableNode.StartAsync(durable))
        {
            Assert.IsType<UpdateSuccess>(await first.IncrementAsync(RegistryKeys.Scratch));
            Assert.IsType<UpdateSuccess>(await first.IncrementAsync(RegistryKeys.Version));
            // UpdateSuccess at WriteLocal comes after the commit, so the row is there now.
            Assert.Equal(["registry-version"], file.StoredKeys());
        }

        await using var second = await DurableNode.StartAsync(durable);
        Assert.IsType<NotFound>(await second.GetAsync(RegistryKeys.Scratch));
        Assert.Equal(1UL, (await second.GetValueAsync(RegistryKeys.Version)).Value);
    }

    [Fact]
    public async Task A_failed_write_answers_StoreFailure_and_the_next_write_recreates_the_table()
    {
        using var file = new TempSqliteFile();
        await using var node = await DurableNode.StartAsync(SqlDurableStoreConfig.Sqlite(file.Path));
        Assert.IsType<UpdateSuccess>(await node.IncrementAsync(RegistryKeys.Version));

        file.Execute("DROP TABLE ddata_durable");

        Assert.IsType<StoreFailure>(await node.IncrementAsync(RegistryKeys.Version));
        Assert.IsType<UpdateSuccess>(await node.IncrementAsync(RegistryKeys.Version));
        Assert.Equal(["registry-version"], file.StoredKeys());
    }

    [Fact]
    public async Task A_write_waits_milliseconds_not_seconds_for_another_connections_write_lock()
    {
        using var file = new TempSqliteFile();
        await using var node = await DurableNode.StartAsync(SqlDurableStoreConfig.Sqlite(file.Path, busyTimeout: TimeSpan.FromSeconds(10)));
        Assert.IsType<UpdateSuccess>(await node.IncrementAsync(RegistryKeys.Version));

        using var otherWriter = file.Open();
        using (var begin = otherWriter.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
        }

        var update = node.IncrementAsync(RegistryKeys.Version);
        // A window in which the reply must not come (the lock is held), not a wait for something to happen.
        Assert.NotSame(update, await Task.WhenAny(update, Task.Delay(TimeSpan.FromMilliseconds(300))));

        var released = Stopwatch.StartNew();
        using (var commit = otherWriter.CreateCommand())
        {
            commit.CommandText = "COMMIT";
            commit.ExecuteNonQuery();
        }

        Assert.IsType<UpdateSuccess>(await update);
        output.WriteLine($"store acknowledged {released.ElapsedMilliseconds} ms after the other writer released the lock");
        // SQLite built without usleep sleeps 1 s per busy retry: that would show as ~700 ms here.
        Assert.True(released.Elapsed < TimeSpan.FromMilliseconds(500), $"acknowledged {released.ElapsedMilliseconds} ms after the release");
    }

    [Fact]
    public async Task A_lock_held_past_the_busy_timeout_answers_StoreFailure()
    {
        using var file = new TempSqliteFile();
        await using var node = await DurableNode.StartAsync(SqlDurableStoreConfig.Sqlite(file.Path, busyTimeout: TimeSpan.FromMilliseconds(200)));
        Assert.IsType<UpdateSuccess>(await node.IncrementAsync(RegistryKeys.Version));

        using (var otherWriter = file.Open())
        using (var begin = otherWriter.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
            Assert.IsType<StoreFailure>(await node.IncrementAsync(RegistryKeys.Version));
        }

        Assert.IsType<UpdateSuccess>(await node.IncrementAsync(RegistryKeys.Version));
    }

    [Fact]
    public async Task A_corrupt_row_fails_LoadAll_and_stops_the_Replicator_naming_the_file_and_key()
    {
        using var file = new TempSqliteFile();
        var durable = SqlDurableStoreConfig.Sqlite(file.Path);
        await using (var first = await DurableNode.StartAsync(durable))
        {
            Assert.IsType<UpdateSuccess>(await first.AddHostAsync("h1", "10.0.0.1:80"));
        }

        file.Execute("UPDATE ddata_durable SET payload = X'0AFF01' WHERE key = 'registry-hosts'");

        var failure = await ExpectLoadFailureAsync(durable);
        Assert.Contains(file.Path, failure.Message);
        Assert.Contains("registry-hosts", failure.Message);
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_fails_LoadAll_naming_the_file()
    {
        using var file = new TempSqliteFile();
        Directory.CreateDirectory(Path.GetDirectoryName(file.Path)!);
        await File.WriteAllTextAsync(file.Path, "this is not an SQLite database, it only has the name of one...........................");

        var failure = await ExpectLoadFailureAsync(SqlDurableStoreConfig.Sqlite(file.Path));
        Assert.Contains(file.Path, failure.Message);
    }

    [Fact]
    public async Task Write_behind_acknowledges_at_once_stores_a_lone_write_after_the_interval_and_flushes_on_stop()
    {
        using var file = new TempSqliteFile();
        var durable = SqlDurableStoreConfig.Sqlite(file.Path, writeBehindInterval: TimeSpan.FromMilliseconds(100));

        await using (var first = await DurableNode.StartAsync(durable))
        {
            Assert.IsType<UpdateSuccess>(await first.IncrementAsync(RegistryKeys.Version));
            // One write and no other: it must still reach the table on the timer, not wait for the next write.
            await PollUntilAsync(() => File.Exists(file.Path) && TableExists(file) && file.StoredKeys().Contains("registry-version"));

            for (var i = 0; i < 20; i++)
            {
                Assert.IsType<UpdateSuccess>(await first.IncrementAsync(RegistryKeys.Version));
            }

            Assert.IsType<UpdateSuccess>(await first.AddHostAsync("h1", "10.0.0.1:80"));
        }

        await using var second = await DurableNode.StartAsync(durable);
        Assert.Equal(21UL, (await second.GetValueAsync(RegistryKeys.Version)).Value);
        Assert.Equal("10.0.0.1:80", (await second.GetValueAsync(RegistryKeys.Hosts)).Entries["h1"]);
    }

    [Fact]
    public async Task Measures_the_latency_of_a_durable_write_at_WriteLocal()
    {
        using var file = new TempSqliteFile();
        await using var node = await DurableNode.StartAsync(SqlDurableStoreConfig.Sqlite(file.Path));
        Assert.IsType<UpdateSuccess>(await node.IncrementAsync(RegistryKeys.Version));

        const int writes = 200;
        var durableTime = Stopwatch.StartNew();
        for (var i = 0; i < writes; i++)
        {
            Assert.IsType<UpdateSuccess>(await node.IncrementAsync(RegistryKeys.Version));
        }

        durableTime.Stop();
        var memoryTime = Stopwatch.StartNew();
        for (var i = 0; i < writes; i++)
        {
            Assert.IsType<UpdateSuccess>(await node.IncrementAsync(RegistryKeys.Scratch));
        }

        memoryTime.Stop();
        output.WriteLine(
            $"durable WriteLocal update: {durableTime.Elapsed.TotalMilliseconds / writes:F2} ms each; " +
            $"non-durable: {memoryTime.Elapsed.TotalMilliseconds / writes:F2} ms each ({writes} sequential updates)");
        Assert.Equal((ulong)writes + 1, (await node.GetValueAsync(RegistryKeys.Version)).Value);
    }

    [Fact]
    public async Task The_writer_runs_on_the_durable_pinned_dispatcher_not_on_the_Replicators()
    {
        using var file = new TempSqliteFile();
        await using var node = await DurableNode.StartAsync(SqlDurableStoreConfig.Sqlite(file.Path));
        Assert.IsType<UpdateSuccess>(await node.IncrementAsync(RegistryKeys.Version));

        var store = await node.System.ActorSelection(node.Replicator.Path / "durableStore").ResolveOne(DurableNode.Deadline);
        var writer = await node.System.ActorSelection(store.Path / "writer").ResolveOne(DurableNode.Deadline);

        // Akka 1.5.75 ignores durable.use-dispatcher for the store (its WithDeploy(Deploy.Local) drops the dispatcher):
        // the store lands on the default dispatcher, and only the writer's blocking I/O is moved off it.
        var storeDispatcher = ((ActorRefWithCell)store).Underlying.Props.Dispatcher;
        var writerDispatcher = ((ActorRefWithCell)writer).Underlying.Props.Dispatcher;
        output.WriteLine($"store on {storeDispatcher}, writer on {writerDispatcher}");
        Assert.Equal("akka.cluster.distributed-data.durable.pinned-store", writerDispatcher);
        Assert.NotEqual(storeDispatcher, writerDispatcher);
    }

    /// <summary>Starts a node, starts its Replicator, and returns the load failure it stopped with.</summary>
    internal static async Task<LoadFailedException> ExpectLoadFailureAsync(Akka.Configuration.Config durable)
    {
        await using var node = await DurableNode.StartAsync(durable);
        var errors = new TestKitErrors(node.System);
        var replicator = node.Replicator;

        using var deadline = new CancellationTokenSource(DurableNode.Deadline);
        Assert.True(await replicator.WatchAsync(deadline.Token), "the Replicator should stop when LoadAll fails");
        var stopped = errors.Expect(error => error.Cause is LoadFailedException);
        return (LoadFailedException)stopped.Cause;
    }

    private static bool TableExists(TempSqliteFile file)
    {
        using var connection = file.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'ddata_durable'";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static async Task PollUntilAsync(Func<bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < DurableNode.Deadline, "condition not met before the deadline");
            await Task.Delay(20);
        }
    }
}
