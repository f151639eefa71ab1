namespace ClusterLb.Persistence.Resilience;

/// <summary>The call was not attempted because the circuit breaker is open.</summary>
public sealed class CircuitBreakerOpenException : Exception
{
    public CircuitBreakerOpenException(string name, TimeSpan remaining)
        : base($"The {name} circuit breaker is open after repeated failures; calls fail fast for another {remaining.TotalSeconds:0.#} s.")
    {
        Remaining = remaining;
    }

    /// <summary>How long until the breaker lets a trial call through.</summary>
    public TimeSpan Remaining { get; }
}
