using ClusterLb.Persistence.Journal;
using ClusterLb.Persistence.Snapshot;

namespace ClusterLb.Persistence;

/// <summary>
/// Messages a persistent actor sends itself from its journal tasks. Each carries the incarnation that started
/// the task, so results that arrive after a restart are recognised and dropped.
/// </summary>
internal abstract record PersistentActorProtocol(int Incarnation)
{
    internal sealed record SnapshotLoaded(int Incarnation, SelectedSnapshot? Snapshot) : PersistentActorProtocol(Incarnation);

    internal sealed record Replayed(int Incarnation, PersistentRepr Event) : PersistentActorProtocol(Incarnation);

    internal sealed record ReplayCompleted(int Incarnation, long HighestSequenceNr) : PersistentActorProtocol(Incarnation);

    internal sealed record RecoveryFailed(int Incarnation, Exception Cause) : PersistentActorProtocol(Incarnation);

    internal sealed record WriteCompleted(int Incarnation, IReadOnlyList<AtomicWrite> Writes, IReadOnlyList<Exception?> Results) : PersistentActorProtocol(Incarnation);

    internal sealed record WriteFailed(int Incarnation, IReadOnlyList<AtomicWrite> Writes, Exception Cause) : PersistentActorProtocol(Incarnation);
}
