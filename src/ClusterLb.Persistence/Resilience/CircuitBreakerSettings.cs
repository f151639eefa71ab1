namespace ClusterLb.Persistence.Resilience;

/// <summary>
/// Akka's journal breaker defaults: after <see cref="MaxFailures"/> consecutive failures (a call slower than
/// <see cref="CallTimeout"/> counts as one) calls fail at once for <see cref="ResetTimeout"/>, then one trial
/// call decides whether to close again. Trades a few failed calls for not piling requests on a dead database.
/// </summary>
public sealed record CircuitBreakerSettings(int MaxFailures, TimeSpan CallTimeout, TimeSpan ResetTimeout)
{
    public static readonly CircuitBreakerSettings Default = new(10, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));

    internal void Validate()
    {
        if (MaxFailures < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFailures), MaxFailures, "circuit-breaker.max-failures must be at least 1.");
        }

        if (CallTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(CallTimeout), CallTimeout, "circuit-breaker.call-timeout must be positive.");
        }

        if (ResetTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ResetTimeout), ResetTimeout, "circuit-breaker.reset-timeout must be positive.");
        }
    }
}
