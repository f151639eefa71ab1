namespace ClusterLb.Persistence.Snapshot;

/// <summary>Bounds (inclusive) on the snapshots a load or delete considers.</summary>
public sealed record SnapshotSelectionCriteria(
    long MaxSequenceNr,
    DateTime MaxTimestamp,
    long MinSequenceNr = 0,
    DateTime MinTimestamp = default)
{
    /// <summary>Any snapshot; a load picks the newest.</summary>
    public static readonly SnapshotSelectionCriteria Latest = new(long.MaxValue, DateTime.MaxValue);

    /// <summary>No snapshot at all (recovery replays every event).</summary>
    public static readonly SnapshotSelectionCriteria None = new(0, DateTime.MinValue);
}
