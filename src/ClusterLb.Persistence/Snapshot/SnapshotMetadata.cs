namespace ClusterLb.Persistence.Snapshot;

/// <summary>Identifies a snapshot: the entity, the sequence number it covers, and when it was taken (UTC).</summary>
public sealed record SnapshotMetadata(string PersistenceId, long SequenceNr, DateTime Timestamp);
