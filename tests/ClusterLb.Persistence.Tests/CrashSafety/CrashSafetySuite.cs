using ClusterLb.Persistence.Journal;
using ClusterLb.Persistence.Serialization;
using ClusterLb.Persistence.Sql;
using ClusterLb.Persistence.Tests.Infrastructure;
using Google.Protobuf.WellKnownTypes;

namespace ClusterLb.Persistence.Tests.CrashSafety;

/// <summary>
/// A child process writes events one by one and is killed with SIGKILL mid-stream, twice; every event it
/// acknowledged must be stored exactly once, and the next writer continues the sequence without gap or duplicate.
/// </summary>
public abstract class CrashSafetySuite : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private TestDatabase _database = null!;

    public Task InitializeAsync()
    {
        _database = CreateDatabase();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [StoreFact]
    public async Task Acknowledged_events_survive_kill_minus_9_exactly_once_and_the_sequence_continues()
    {
        const string pid = "crash-writer";
        var acknowledged = new List<long>();
        for (var round = 0; round < 2; round++)
        {
            using var child = CrashWriterProcess.Start(_database.CrashWriterArguments, pid, maxEvents: 1_000_000);
            await child.WaitForAcknowledgedAsync(40, Deadline);
            await child.KillAsync();

            var acks = child.Acknowledged;
            Assert.Equal(acknowledged.Count + 1, child.StartSequenceNr);  // resumes right after what the last run acknowledged (or one in-flight)
            acknowledged.AddRange(acks);
            var stored = await ReplaySequenceNumbers(pid);
            AssertContiguousFromOne(stored);
            Assert.Subset(stored.ToHashSet(), acknowledged.ToHashSet());
            // At most the single write in flight at the kill may be stored without having been acknowledged.
            Assert.InRange(stored.Count - acknowledged.Count, 0, 1);
            if (stored.Count > acknowledged.Count)
            {
                acknowledged.Add(stored[^1]);
            }
        }

        using var final = CrashWriterProcess.Start(_database.CrashWriterArguments, pid, maxEvents: 25);
        Assert.Equal(0, await final.WaitForExitAsync(Deadline));
        Assert.Equal(acknowledged.Count + 1, final.StartSequenceNr);
        Assert.Equal(Enumerable.Range(acknowledged.Count + 1, 25).Select(i => (long)i), final.Acknowledged);

        var all = await ReplaySequenceNumbers(pid);
        AssertContiguousFromOne(all);
        Assert.Equal(acknowledged.Count + 25, all.Count);
    }

    protected abstract TestDatabase CreateDatabase();

    private static void AssertContiguousFromOne(List<long> stored) =>
        Assert.Equal(Enumerable.Range(1, stored.Count).Select(i => (long)i), stored);

    private async Task<List<long>> ReplaySequenceNumbers(string pid)
    {
        var journal = new SqlJournal(_database.CreateDialect(), new ProtobufPayloadSerializer(new MessageTypeRegistry().Register(Int64Value.Descriptor)));
        var stored = new List<long>();
        await journal.ReplayAsync(pid, 1, long.MaxValue, long.MaxValue, r =>
        {
            // Each event carries its own sequence number, so a misplaced payload would show here.
            Assert.Equal(r.SequenceNr, ((Int64Value)r.Payload).Value);
            stored.Add(r.SequenceNr);
        });
        Assert.Equal(stored.Count == 0 ? 0 : stored[^1], await journal.ReadHighestSequenceNrAsync(pid, 0));
        return stored;
    }
}

public sealed class SqliteCrashSafetyTests : CrashSafetySuite
{
    protected override TestDatabase CreateDatabase() => new SqliteTestDatabase();
}

[RequiresPostgres]
public sealed class PostgresCrashSafetyTests : CrashSafetySuite
{
    protected override TestDatabase CreateDatabase() => new PostgresTestDatabase();
}
