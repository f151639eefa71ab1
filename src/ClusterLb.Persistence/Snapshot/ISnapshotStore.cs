namespace ClusterLb.Persistence.Snapshot;

/// <summary>Stores snapshots of persistent entities (Akka's SnapshotStore contract).</summary>
public interface ISnapshotStore
{
    /// <summary>Stores the snapshot, replacing one with the same persistence id and sequence number.</summary>
    Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken = default);

    /// <summary>The snapshot with the highest sequence number that matches the criteria, or <c>null</c>.</summary>
    Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);

    /// <summary>Deletes the snapshot with this persistence id and sequence number.</summary>
    Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>Deletes every snapshot of the id that matches the criteria.</summary>
    Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);
}
