using Microsoft.Extensions.Logging;
using ClusterLb.Persistence.Snapshot;

namespace ClusterLb.Persistence.Resilience;

/// <summary>A <see cref="CircuitBreaker"/> in front of a snapshot store (its own breaker, separate from the journal's).</summary>
public sealed class CircuitBreakingSnapshotStore : ISnapshotStore
{
    private readonly ISnapshotStore _inner;

    public CircuitBreakingSnapshotStore(ISnapshotStore inner, CircuitBreakerSettings settings, TimeProvider? time = null, ILogger? logger = null)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Breaker = new CircuitBreaker("snapshot store", settings, time: time);
        Breaker.StateChanged += state => BreakerLogging.OnStateChanged(logger, "snapshot store", state, settings);
    }

    public CircuitBreaker Breaker { get; }

    public Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken = default) =>
        Breaker.ExecuteAsync(ct => _inner.SaveAsync(metadata, snapshot, ct), cancellationToken);

    public Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default) =>
        Breaker.ExecuteAsync(ct => _inner.LoadAsync(persistenceId, criteria, ct), cancellationToken);

    public Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default) =>
        Breaker.ExecuteAsync(ct => _inner.DeleteAsync(metadata, ct), cancellationToken);

    public Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default) =>
        Breaker.ExecuteAsync(ct => _inner.DeleteAsync(persistenceId, criteria, ct), cancellationToken);
}
