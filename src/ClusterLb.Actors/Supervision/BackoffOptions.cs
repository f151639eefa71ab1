namespace ClusterLb.Actors;

/// <summary>
/// Settings for <see cref="BackoffSupervisor"/>. The n-th restart waits
/// <c>min(MaxBackoff, MinBackoff * 2^n) * (1 + random * RandomFactor)</c>.
/// </summary>
/// <param name="ChildProps">The supervised child.</param>
/// <param name="ChildName">The child's name (stable across restarts).</param>
/// <param name="MinBackoff">Delay before the first restart.</param>
/// <param name="MaxBackoff">Upper bound on the delay.</param>
/// <param name="RandomFactor">0..1: jitter added so many children don't restart in lock step.</param>
/// <param name="OnStop">False (onFailure): restart with backoff when the child fails; a child that stops by
/// itself stops the supervisor too. True (onStop): restart with backoff whenever the child stops; failures are
/// first handled by the default strategy (restart in place).</param>
public sealed record BackoffOptions(Props ChildProps, string ChildName, TimeSpan MinBackoff, TimeSpan MaxBackoff, double RandomFactor, bool OnStop = false)
{
    /// <summary>The restart count resets after the child has run this long; default <see cref="MinBackoff"/>.</summary>
    public TimeSpan? ResetBackoffAfter { get; init; }

    /// <summary>Restarts allowed before the supervisor gives up and stops; -1 = unlimited.</summary>
    public int MaxNrOfRetries { get; init; } = -1;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(ChildProps);
        ActorNames.Validate(ChildName);
        if (MinBackoff <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MinBackoff), MinBackoff, "MinBackoff must be positive.");
        }

        if (MaxBackoff < MinBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBackoff), MaxBackoff, "MaxBackoff must be at least MinBackoff.");
        }

        if (RandomFactor is < 0 or > 1 || double.IsNaN(RandomFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(RandomFactor), RandomFactor, "RandomFactor must be between 0 and 1.");
        }
    }
}
