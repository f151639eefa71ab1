using System.Collections.Concurrent;

namespace ClusterLb.Cluster.FailureDetection;

/// <summary>One failure detector per monitored resource, created on the first heartbeat.</summary>
public sealed class FailureDetectorRegistry<T> where T : notnull
{
    private readonly Func<IFailureDetector> _factory;
    private readonly ConcurrentDictionary<T, IFailureDetector> _detectors = new();

    /// <summary>Creates a registry that builds detectors with <paramref name="factory"/>.</summary>
    public FailureDetectorRegistry(Func<IFailureDetector> factory) =>
        _factory = factory ?? throw new ArgumentNullException(nameof(factory));

    /// <summary>Unknown resources count as available: absence of evidence is not a failure.</summary>
    public bool IsAvailable(T resource) => !_detectors.TryGetValue(resource, out var d) || d.IsAvailable;

    /// <summary>True once a heartbeat from <paramref name="resource"/> was recorded.</summary>
    public bool IsMonitoring(T resource) => _detectors.TryGetValue(resource, out var d) && d.IsMonitoring;

    /// <summary>Records a heartbeat from <paramref name="resource"/>.</summary>
    public void Heartbeat(T resource) => _detectors.GetOrAdd(resource, _ => _factory()).Heartbeat();

    /// <summary>Stops monitoring <paramref name="resource"/>.</summary>
    public void Remove(T resource) => _detectors.TryRemove(resource, out _);

    /// <summary>Stops monitoring everything.</summary>
    public void Reset() => _detectors.Clear();

    /// <summary>The resources currently monitored.</summary>
    public IReadOnlyCollection<T> Resources => _detectors.Keys.ToList();
}
