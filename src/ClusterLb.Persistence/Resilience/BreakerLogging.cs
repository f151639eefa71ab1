using Microsoft.Extensions.Logging;

namespace ClusterLb.Persistence.Resilience;

internal static class BreakerLogging
{
    /// <summary>Logs and counts breaker transitions: an open breaker means the database is failing.</summary>
    public static void OnStateChanged(ILogger? logger, string name, CircuitState state, CircuitBreakerSettings settings)
    {
        if (state == CircuitState.Open)
        {
            PersistenceMetrics.BreakerOpened.Add(1, new KeyValuePair<string, object?>("breaker", name));
            logger?.LogWarning(
                "The {Breaker} circuit breaker opened after {MaxFailures} consecutive failures; calls fail fast for {ResetTimeout}",
                name,
                settings.MaxFailures,
                settings.ResetTimeout);
        }
        else
        {
            logger?.LogInformation("The {Breaker} circuit breaker is {State}", name, state);
        }
    }
}
