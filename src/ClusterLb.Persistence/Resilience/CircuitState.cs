namespace ClusterLb.Persistence.Resilience;

/// <summary>Closed: calls pass. Open: calls fail fast. HalfOpen: one trial call is in flight.</summary>
public enum CircuitState
{
    Closed,
    Open,
    HalfOpen,
}
