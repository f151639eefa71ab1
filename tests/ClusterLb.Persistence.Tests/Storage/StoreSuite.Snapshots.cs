using ClusterLb.Persistence.Serialization;
using ClusterLb.Persistence.Snapshot;
using ClusterLb.Persistence.Tests.Infrastructure;
using ClusterLb.Persistence.Tests.Messages;

namespace ClusterLb.Persistence.Tests.Storage;

public abstract partial class StoreSuite
{
    private static readonly DateTime T0 = new(2026, 11, 21, 8, 0, 0, DateTimeKind.Utc);

    [StoreFact]
    public async Task Load_returns_the_newest_snapshot_that_matches_the_criteria()
    {
        for (var seq = 1; seq <= 3; seq++)
        {
            await Snapshots.SaveAsync(new SnapshotMetadata("p", seq * 10, T0.AddMinutes(seq)), new CounterSnapshot { Total = seq });
        }

        await Snapshots.SaveAsync(new SnapshotMetadata("other", 99, T0), new CounterSnapshot { Total = 99 });

        var latest = await Snapshots.LoadAsync("p", SnapshotSelectionCriteria.Latest);
        Assert.NotNull(latest);
        Assert.Equal(new SnapshotMetadata("p", 30, T0.AddMinutes(3)), latest.Metadata);
        Assert.Equal(3, ((CounterSnapshot)latest.Snapshot).Total);

        var bySeq = await Snapshots.LoadAsync("p", SnapshotSelectionCriteria.Latest with { MaxSequenceNr = 25 });
        Assert.Equal(20, bySeq!.Metadata.SequenceNr);

        var byTime = await Snapshots.LoadAsync("p", SnapshotSelectionCriteria.Latest with { MaxTimestamp = T0.AddMinutes(1) });
        Assert.Equal(10, byTime!.Metadata.SequenceNr);

        Assert.Null(await Snapshots.LoadAsync("p", SnapshotSelectionCriteria.Latest with { MinSequenceNr = 31 }));
        Assert.Null(await Snapshots.LoadAsync("p", SnapshotSelectionCriteria.None));
        Assert.Null(await Snapshots.LoadAsync("nobody", SnapshotSelectionCriteria.Latest));
    }

    [StoreFact]
    public async Task Saving_the_same_sequence_number_again_replaces_the_snapshot()
    {
        await Snapshots.SaveAsync(new SnapshotMetadata("p", 5, T0), new CounterSnapshot { Total = 1 });
        await Snapshots.SaveAsync(new SnapshotMetadata("p", 5, T0.AddSeconds(1)), new CounterSnapshot { Total = 2, History = { "a" } });

        var loaded = await Snapshots.LoadAsync("p", SnapshotSelectionCriteria.Latest);

        Assert.Equal(new CounterSnapshot { Total = 2, History = { "a" } }, loaded!.Snapshot);
        Assert.Equal(T0.AddSeconds(1), loaded.Metadata.Timestamp);
        Assert.Equal(1, await CountRows(Dialect.SnapshotTable, "p"));
    }

    [StoreFact]
    public async Task Delete_removes_one_snapshot_or_every_matching_one()
    {
        for (var seq = 1; seq <= 4; seq++)
        {
            await Snapshots.SaveAsync(new SnapshotMetadata("p", seq, T0.AddMinutes(seq)), new CounterSnapshot { Total = seq });
        }

        await Snapshots.DeleteAsync(new SnapshotMetadata("p", 4, T0.AddMinutes(4)));
        Assert.Equal(3, (await Snapshots.LoadAsync("p", SnapshotSelectionCriteria.Latest))!.Metadata.SequenceNr);

        await Snapshots.DeleteAsync("p", SnapshotSelectionCriteria.Latest with { MaxSequenceNr = 2 });
        Assert.Equal(1, await CountRows(Dialect.SnapshotTable, "p"));
        Assert.Equal(3, (await Snapshots.LoadAsync("p", SnapshotSelectionCriteria.Latest))!.Metadata.SequenceNr);
    }

    [StoreFact]
    public async Task A_snapshot_that_is_not_a_registered_protobuf_message_is_refused_and_nothing_is_stored()
    {
        var error = await Assert.ThrowsAsync<PayloadSerializationException>(
            () => Snapshots.SaveAsync(new SnapshotMetadata("p", 1, T0), new NotRegistered { Text = "x" }));

        Assert.Contains("not registered", error.Message);
        Assert.Null(await Snapshots.LoadAsync("p", SnapshotSelectionCriteria.Latest));
    }
}
