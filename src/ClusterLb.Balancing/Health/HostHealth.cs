namespace ClusterLb.Balancing.Health;

/// <summary>Whether a host may receive traffic.</summary>
public enum HostHealth
{
    /// <summary>Receives traffic.</summary>
    Up,

    /// <summary>Receives no traffic until it rises again.</summary>
    Down,
}
