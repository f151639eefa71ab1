using ClusterLb.Persistence.Snapshot;

namespace ClusterLb.Persistence;

/// <summary>Delivered to <c>ReceiveRecover</c> after the snapshot and every event were applied, always, even when there were none.</summary>
public sealed record RecoveryCompleted
{
    public static readonly RecoveryCompleted Instance = new();

    private RecoveryCompleted()
    {
    }
}

/// <summary>Delivered to <c>ReceiveRecover</c> first when a snapshot matched the recovery criteria.</summary>
public sealed record SnapshotOffer(SnapshotMetadata Metadata, object Snapshot);

/// <summary>Reply to <c>SaveSnapshot</c> (delivered to <c>ReceiveCommand</c>).</summary>
public sealed record SaveSnapshotSuccess(SnapshotMetadata Metadata);

/// <summary>Reply to <c>SaveSnapshot</c> when the store failed; the actor keeps running.</summary>
public sealed record SaveSnapshotFailure(SnapshotMetadata Metadata, Exception Cause);

/// <summary>Reply to <c>DeleteMessages</c>.</summary>
public sealed record DeleteMessagesSuccess(long ToSequenceNr);

/// <summary>Reply to <c>DeleteMessages</c> when the journal failed or the bound was invalid.</summary>
public sealed record DeleteMessagesFailure(Exception Cause, long ToSequenceNr);

/// <summary>Reply to <c>DeleteSnapshots</c>.</summary>
public sealed record DeleteSnapshotsSuccess(SnapshotSelectionCriteria Criteria);

/// <summary>Reply to <c>DeleteSnapshots</c> when the store failed.</summary>
public sealed record DeleteSnapshotsFailure(SnapshotSelectionCriteria Criteria, Exception Cause);
