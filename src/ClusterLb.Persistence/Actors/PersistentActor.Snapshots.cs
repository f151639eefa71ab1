using ClusterLb.Actors;
using ClusterLb.Persistence.Snapshot;

namespace ClusterLb.Persistence;

public abstract partial class PersistentActor
{
    /// <summary>
    /// Saves a snapshot at <see cref="LastSequenceNr"/>; answers with <see cref="SaveSnapshotSuccess"/> or
    /// <see cref="SaveSnapshotFailure"/>. The snapshot must be a registered protobuf message.
    /// </summary>
    protected void SaveSnapshot(object snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var metadata = new SnapshotMetadata(PersistenceId, LastSequenceNr, DateTime.UtcNow);
        _snapshotStore.SaveAsync(metadata, snapshot)
            .PipeTo(Self, success: () => new SaveSnapshotSuccess(metadata), failure: e => new SaveSnapshotFailure(metadata, e));
    }

    /// <summary>Deletes this entity's snapshots that match; answers with <see cref="DeleteSnapshotsSuccess"/> or <see cref="DeleteSnapshotsFailure"/>.</summary>
    protected void DeleteSnapshots(SnapshotSelectionCriteria criteria)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        _snapshotStore.DeleteAsync(PersistenceId, criteria)
            .PipeTo(Self, success: () => new DeleteSnapshotsSuccess(criteria), failure: e => new DeleteSnapshotsFailure(criteria, e));
    }
}
