namespace ClusterLb.Cluster.FailureDetection;

/// <summary>Decides from heartbeat arrivals whether a resource is still available.</summary>
public interface IFailureDetector
{
    /// <summary>False once the resource is suspected dead; true before any heartbeat.</summary>
    bool IsAvailable { get; }
    /// <summary>True after the first heartbeat.</summary>
    bool IsMonitoring { get; }
    /// <summary>Records one heartbeat arrival now.</summary>
    void Heartbeat();
}
