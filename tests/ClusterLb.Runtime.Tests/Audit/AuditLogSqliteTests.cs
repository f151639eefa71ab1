using Akka.Actor;
using ClusterLb.Runtime.Audit;

namespace ClusterLb.Runtime.Tests.Audit;

/// <summary>The audit log on a real SQLite file: writes, pages, restarts.</summary>
public sealed class AuditLogSqliteTests : IDisposable
{
    private readonly TempDatabaseDirectory _directory = new();

    [Fact]
    public async Task Entries_are_paged_oldest_first_with_the_next_and_highest_sequence_numbers()
    {
        await using var node = await AuditTestNode.StartAsync(AuditPersistenceConfig.Sqlite(_directory.DatabaseFile), "n1");
        Assert.Equal(1, await node.RecordAsync("host-add", "main/b1"));
        Assert.Equal(2, await node.RecordAsync("host-down", "main/b2"));
        Assert.Equal(3, await node.RecordAsync("set-method", "main"));

        var first = await node.PageAsync(1, 2);
        Assert.Equal(new long[] { 1, 2 }, first.Entries.Select(e => e.SequenceNr));
        Assert.Equal(new[] { "host-add", "host-down" }, first.Entries.Select(e => e.Action));
        Assert.Equal(3, first.NextSequenceNr);
        Assert.Equal(3, first.HighestSequenceNr);

        var second = await node.PageAsync(first.NextSequenceNr, 2);
        var last = Assert.Single(second.Entries);
        Assert.Equal((3L, "n1", "admin", "set-method", "main", "weight=1"), (last.SequenceNr, last.Node, last.Actor, last.Action, last.Target, last.Detail));
        Assert.Equal(4, second.NextSequenceNr);

        var past = await node.PageAsync(second.NextSequenceNr, 10);
        Assert.Empty(past.Entries);
        Assert.Equal(4, past.NextSequenceNr);
        Assert.Equal(3, past.HighestSequenceNr);
    }

    [Fact]
    public async Task Timestamps_come_from_the_actor_clock()
    {
        var before = DateTimeOffset.UtcNow.AddMilliseconds(-1);
        await using var node = await AuditTestNode.StartAsync(AuditPersistenceConfig.Sqlite(_directory.DatabaseFile), "n1");
        await node.RecordAsync("host-add");

        var entry = Assert.Single((await node.PageAsync(1, 10)).Entries);
        Assert.InRange(entry.Timestamp, before, DateTimeOffset.UtcNow.AddMilliseconds(1));
    }

    [Fact]
    public async Task An_empty_log_reports_nothing_and_highest_zero()
    {
        await using var node = await AuditTestNode.StartAsync(AuditPersistenceConfig.Sqlite(_directory.DatabaseFile), "n1");

        var page = await node.PageAsync(1, 10);
        Assert.Empty(page.Entries);
        Assert.Equal(1, page.NextSequenceNr);
        Assert.Equal(0, page.HighestSequenceNr);
    }

    [Fact]
    public async Task After_a_restart_on_the_same_file_the_entries_remain_and_the_sequence_continues()
    {
        var config = AuditPersistenceConfig.Sqlite(_directory.DatabaseFile);
        await using (var before = await AuditTestNode.StartAsync(config, "n1"))
        {
            await before.RecordAsync("a");
            await before.RecordAsync("b");
            await before.RecordAsync("c");
        }

        await using var after = await AuditTestNode.StartAsync(config, "n1");
        Assert.Equal(3, (await after.PageAsync(1, 1)).HighestSequenceNr);
        Assert.Equal(4, await after.RecordAsync("d"));

        var page = await after.PageAsync(1, 1000);
        Assert.Equal(new[] { "a", "b", "c", "d" }, page.Entries.Select(e => e.Action));
        Assert.Equal(new long[] { 1, 2, 3, 4 }, page.Entries.Select(e => e.SequenceNr));
        Assert.Equal(4, page.HighestSequenceNr);
    }

    [Fact]
    public async Task Two_nodes_in_one_database_keep_separate_logs()
    {
        var config = AuditPersistenceConfig.Sqlite(_directory.DatabaseFile);
        await using var system = await AuditTestNode.StartAsync(config, "n1");
        // The second log runs in the same system here; in production each node's system writes its own id.
        var other = await AuditLog.StartAsync(system.System, "n2", AuditTestNode.Timeout, actorName: "audit-log-n2");

        await system.RecordAsync("on-n1-first");
        var recorded = await other.Ask<AuditRecorded>(new RecordAudit("n2", "admin", "on-n2", "main/b9"), AuditTestNode.Timeout);
        await system.RecordAsync("on-n1-second");

        Assert.Equal(1, recorded.SequenceNr);
        var n1 = await system.PageAsync(1, 10);
        Assert.Equal(new[] { "on-n1-first", "on-n1-second" }, n1.Entries.Select(e => e.Action));
        var n2 = await other.Ask<AuditEntriesPage>(new GetAuditEntries(1, 10), AuditTestNode.Timeout);
        Assert.Equal("on-n2", Assert.Single(n2.Entries).Action);
        Assert.Equal(1, n2.HighestSequenceNr);
    }

    public void Dispose() => _directory.Dispose();
}
