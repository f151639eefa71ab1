using ClusterLb.Persistence.Journal;
using ClusterLb.Persistence.Serialization;
using ClusterLb.Persistence.Sql;
using ClusterLb.Persistence.Tests.Infrastructure;
using ClusterLb.Persistence.Tests.Messages;

namespace ClusterLb.Persistence.Tests.Storage;

public abstract partial class StoreSuite
{
    [StoreFact]
    public async Task Written_events_replay_in_order_with_payload_writer_and_timestamp()
    {
        var before = DateTime.UtcNow.Ticks;
        var results = await Journal.WriteAsync(
        [
            new AtomicWrite([Event("p1", 1, 10), Event("p1", 2, 20)]),
            Single("p1", 3, 30),
            Single("other", 1, 99),
        ]);

        Assert.All(results, Assert.Null);
        var replayed = await ReplayAll("p1");
        Assert.Equal([1L, 2, 3], replayed.Select(r => r.SequenceNr));
        Assert.Equal([10L, 20, 30], replayed.Select(r => ((CounterIncremented)r.Payload).Amount));
        Assert.All(replayed, r => Assert.Equal("w1", r.WriterUuid));
        Assert.All(replayed, r => Assert.InRange(r.Timestamp, before, DateTime.UtcNow.Ticks));
        Assert.Single(await ReplayAll("other"));
    }

    [StoreFact]
    public async Task Replay_honours_from_to_and_max_across_pages()
    {
        var journal = new SqlJournal(Dialect, Serializer, new SqlStoreOptions(ReplayBatchSize: 3, BatchSize: 4));
        await journal.WriteAsync(Enumerable.Range(1, 20).Select(i => Single("p", i)).ToList());

        var range = new List<long>();
        await journal.ReplayAsync("p", 5, 15, long.MaxValue, r => range.Add(r.SequenceNr));
        Assert.Equal(Enumerable.Range(5, 11).Select(i => (long)i), range);

        var limited = new List<long>();
        await journal.ReplayAsync("p", 2, 20, 7, r => limited.Add(r.SequenceNr));
        Assert.Equal(Enumerable.Range(2, 7).Select(i => (long)i), limited);

        var none = new List<long>();
        await journal.ReplayAsync("p", 10, 9, 100, r => none.Add(r.SequenceNr));
        await journal.ReplayAsync("p", 1, 20, 0, r => none.Add(r.SequenceNr));
        Assert.Empty(none);
    }

    [StoreFact]
    public async Task Highest_sequence_number_is_zero_when_empty_and_the_top_otherwise()
    {
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync("p", 0));
        await Journal.WriteAsync([new AtomicWrite([Event("p", 1), Event("p", 2), Event("p", 3)])]);
        Assert.Equal(3, await Journal.ReadHighestSequenceNrAsync("p", 0));
        Assert.Equal(3, await Journal.ReadHighestSequenceNrAsync("p", 3));
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync("p", 4));
    }

    [StoreFact]
    public async Task An_atomic_write_that_conflicts_stores_nothing_and_names_the_persistence_id()
    {
        await Journal.WriteAsync([new AtomicWrite([Event("p", 1), Event("p", 2), Event("p", 3)])]);

        var conflict = await Assert.ThrowsAsync<JournalWriteConflictException>(
            () => Journal.WriteAsync([new AtomicWrite([Event("p", 3, 300, "w2"), Event("p", 4, 400, "w2"), Event("p", 5, 500, "w2")])]));

        Assert.Equal("p", conflict.PersistenceId);
        Assert.Equal(3, conflict.FromSequenceNr);
        Assert.Equal(5, conflict.ToSequenceNr);
        Assert.Contains("'p'", conflict.Message);
        Assert.Contains("3..5", conflict.Message);
        var replayed = await ReplayAll("p");
        Assert.Equal([1L, 2, 3], replayed.Select(r => r.SequenceNr));
        Assert.All(replayed, r => Assert.Equal("w1", r.WriterUuid));
        Assert.Equal(3, await Journal.ReadHighestSequenceNrAsync("p", 0));
    }

    [StoreFact]
    public async Task A_payload_that_cannot_be_serialized_rejects_only_its_own_atomic_write()
    {
        var results = await Journal.WriteAsync(
        [
            Single("p", 1),
            new AtomicWrite(new PersistentRepr("q", 1, "a plain string", "w1")),
            new AtomicWrite(new PersistentRepr("r", 1, new NotRegistered { Text = "x" }, "w1")),
            Single("p", 2),
        ]);

        Assert.Null(results[0]);
        Assert.Contains("protobuf", Assert.IsType<PayloadSerializationException>(results[1]).Message);
        Assert.Contains("clusterlb.persistence.tests.NotRegistered", Assert.IsType<PayloadSerializationException>(results[2]).Message);
        Assert.Null(results[3]);
        Assert.Equal([1L, 2], (await ReplayAll("p")).Select(r => r.SequenceNr));
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync("q", 0));
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync("r", 0));
    }

    [StoreFact]
    public async Task Replaying_a_row_of_an_unknown_type_fails_with_the_manifest_named()
    {
        await Journal.WriteAsync([Single("p", 1)]);
        var narrowSerializer = new ProtobufPayloadSerializer(new MessageTypeRegistry());
        var reader = new SqlJournal(Dialect, narrowSerializer);

        var error = await Assert.ThrowsAsync<PayloadSerializationException>(() => ReplayAll("p", reader));

        Assert.Contains("clusterlb.persistence.tests.CounterIncremented", error.Message);
    }

    [StoreFact]
    public async Task Delete_to_keeps_the_highest_deleted_row_as_a_marker_and_replay_skips_it()
    {
        await Journal.WriteAsync(Enumerable.Range(1, 5).Select(i => Single("p", i)).ToList());

        await Journal.DeleteMessagesToAsync("p", 3);
        Assert.Equal([4L, 5], (await ReplayAll("p")).Select(r => r.SequenceNr));
        Assert.Equal(3, await CountRows(Dialect.JournalTable, "p")); // marker 3, then 4 and 5
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync("p", 0));

        await Journal.DeleteMessagesToAsync("p", 5);
        Assert.Empty(await ReplayAll("p"));
        Assert.Equal(1, await CountRows(Dialect.JournalTable, "p")); // only the marker 5 is left
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync("p", 0));

        // A lower delete-to after a higher one must not remove the marker.
        await Journal.DeleteMessagesToAsync("p", 2);
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync("p", 0));

        // The sequence continues after the marker; reusing a deleted number is a conflict, not a silent overwrite.
        await Assert.ThrowsAsync<JournalWriteConflictException>(() => Journal.WriteAsync([Single("p", 5)]));
        Assert.All(await Journal.WriteAsync([Single("p", 6)]), Assert.Null);
        Assert.Equal([6L], (await ReplayAll("p")).Select(r => r.SequenceNr));
    }

    [StoreFact]
    public async Task Tags_are_written_to_the_tags_table_and_removed_by_delete_to()
    {
        await Journal.WriteAsync(
        [
            new AtomicWrite(Event("p", 1, tags: ["audit", "registry", "audit"])),
            new AtomicWrite(Event("p", 2, tags: ["audit"])),
            Single("p", 3),
        ]);
        Assert.Equal(3, await CountRows(Dialect.TagsTable, "p"));

        await Journal.DeleteMessagesToAsync("p", 1);

        Assert.Equal(1, await CountRows(Dialect.TagsTable, "p"));
    }

    [StoreFact]
    public async Task Two_writers_for_one_persistence_id_one_fails_clearly_and_the_history_stays_consistent()
    {
        // Two independent journals (separate connection pools), as two processes would be.
        var first = new SqlJournal(Database.CreateDialect(), Serializer);
        var second = new SqlJournal(Database.CreateDialect(), Serializer);
        var conflicts = new List<JournalWriteConflictException>();
        var acknowledged = new List<(string Writer, long Seq)>();

        async Task Run(SqlJournal journal, string writer)
        {
            for (var i = 0; i < 40; i++)
            {
                var next = await journal.ReadHighestSequenceNrAsync("shared", 0) + 1;
                try
                {
                    await journal.WriteAsync([new AtomicWrite([Event("shared", next, writer: writer), Event("shared", next + 1, writer: writer)])]);
                    lock (acknowledged)
                    {
                        acknowledged.Add((writer, next));
                        acknowledged.Add((writer, next + 1));
                    }
                }
                catch (JournalWriteConflictException e)
                {
                    lock (conflicts)
                    {
                        conflicts.Add(e);
                    }
                }
            }
        }

        await Task.WhenAll(Task.Run(() => Run(first, "A")), Task.Run(() => Run(second, "B")));

        // Force at least one deterministic conflict in case the scheduler serialized the two loops.
        var top = await first.ReadHighestSequenceNrAsync("shared", 0);
        var forced = await Assert.ThrowsAsync<JournalWriteConflictException>(
            () => second.WriteAsync([new AtomicWrite([Event("shared", top, writer: "B"), Event("shared", top + 1, writer: "B")])]));
        Assert.Contains("'shared'", forced.Message);
        Assert.Contains("only one writer per persistence id", forced.Message);

        var replayed = await ReplayAll("shared");
        Assert.Equal(Enumerable.Range(1, (int)top).Select(i => (long)i), replayed.Select(r => r.SequenceNr));
        Assert.Equal(acknowledged.Count, replayed.Count);
        Assert.Equal(acknowledged.OrderBy(a => a.Seq).ToList(), replayed.Select(r => (r.WriterUuid, r.SequenceNr)).ToList());
        Assert.All(conflicts, c => Assert.Equal("shared", c.PersistenceId));
        Assert.Equal(80, acknowledged.Count / 2 + conflicts.Count);
    }

    [StoreFact]
    public async Task Several_processes_using_a_new_database_at_once_all_create_or_find_the_tables()
    {
        // Each dialect is a separate pool, as separate nodes would be; all race through CREATE ... IF NOT EXISTS.
        for (var round = 0; round < 3; round++)
        {
            await using var database = CreateDatabase();
            var journals = Enumerable.Range(0, 6).Select(_ => new SqlJournal(database.CreateDialect(), Serializer)).ToList();
            using var go = new ManualResetEventSlim();
            var first = journals.Select(j => Task.Run(async () =>
            {
                go.Wait();
                return await j.ReadHighestSequenceNrAsync("p", 0);
            })).ToList();
            go.Set();

            Assert.All(await Task.WhenAll(first), highest => Assert.Equal(0, highest));
        }
    }

    [StoreFact]
    public async Task Invalid_arguments_fail_clearly()
    {
        Assert.Throws<ArgumentException>(() => new AtomicWrite([Event("p", 1), Event("q", 2)]));
        var gap = Assert.Throws<ArgumentException>(() => new AtomicWrite([Event("p", 1), Event("p", 3)]));
        Assert.Contains("contiguous", gap.Message);
        Assert.Throws<ArgumentException>(() => new AtomicWrite(Array.Empty<PersistentRepr>()));
        await Assert.ThrowsAsync<ArgumentException>(() => Journal.ReadHighestSequenceNrAsync("", 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SqlJournal(Dialect, Serializer, new SqlStoreOptions(BatchSize: 0)));
    }
}
