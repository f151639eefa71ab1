namespace ClusterLb.Persistence.Snapshot;

/// <summary>A loaded snapshot and its metadata.</summary>
public sealed record SelectedSnapshot(SnapshotMetadata Metadata, object Snapshot);
