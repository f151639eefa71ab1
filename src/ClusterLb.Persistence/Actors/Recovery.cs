using ClusterLb.Persistence.Snapshot;

namespace ClusterLb.Persistence;

/// <summary>How a persistent actor recovers: which snapshot to start from, and how far and how much to replay.</summary>
/// <param name="FromSnapshot">Criteria for the snapshot offered first; <see cref="SnapshotSelectionCriteria.None"/> skips snapshots.</param>
/// <param name="ToSequenceNr">Replay events up to this sequence number (inclusive).</param>
/// <param name="ReplayMax">At most this many events are replayed; 0 replays none (the sequence number is still recovered).</param>
public sealed record Recovery(SnapshotSelectionCriteria FromSnapshot, long ToSequenceNr = long.MaxValue, long ReplayMax = long.MaxValue)
{
    /// <summary>Newest snapshot, then every later event.</summary>
    public static readonly Recovery Default = new(SnapshotSelectionCriteria.Latest);

    /// <summary>No snapshot and no events: only the highest sequence number is read, so new events continue it.</summary>
    public static readonly Recovery None = new(SnapshotSelectionCriteria.None, ReplayMax: 0);
}
