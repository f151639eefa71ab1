using ClusterLb.Hocon;

namespace ClusterLb.Actors;

public sealed partial record ActorSettings
{
    /// <summary>The HOCON section the kernel reads.</summary>
    public const string ConfigSection = "clusterlb.actor";

    /// <summary>
    /// Reads <c>clusterlb.actor.*</c>; absent keys keep their defaults. A key with the wrong type throws the
    /// HOCON layer's error (it names the key); an unknown shutdown phase throws <see cref="ArgumentException"/>.
    /// </summary>
    public static ActorSettings FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.HasPath(ConfigSection))
        {
            return Default;
        }

        var actor = config.GetConfig(ConfigSection);
        var defaults = Default;
        var phaseTimeouts = new Dictionary<string, TimeSpan>(defaults.PhaseTimeouts);
        if (actor.HasPath("coordinated-shutdown.phases"))
        {
            var phases = actor.GetConfig("coordinated-shutdown.phases");
            foreach (var phase in phases.Keys)
            {
                if (!CoordinatedShutdown.Phases.Contains(phase))
                {
                    throw new ArgumentException($"{ConfigSection}.coordinated-shutdown.phases.{phase}: unknown phase. Known phases: {string.Join(", ", CoordinatedShutdown.Phases)}.", nameof(config));
                }

                phaseTimeouts[phase] = phases.GetDuration($"{phase}.timeout");
            }
        }

        var settings = new ActorSettings
        {
            DefaultThroughput = actor.GetInt("throughput", defaults.DefaultThroughput),
            DeadLetterLogLimit = actor.GetInt("dead-letters.log-limit", defaults.DeadLetterLogLimit),
            DeadLetterLogInterval = actor.GetDuration("dead-letters.log-interval", defaults.DeadLetterLogInterval),
            DefaultPhaseTimeout = actor.GetDuration("coordinated-shutdown.default-phase-timeout", defaults.DefaultPhaseTimeout),
            RunCoordinatedShutdownOnTerminate = actor.GetBool("coordinated-shutdown.run-by-actor-system-terminate", defaults.RunCoordinatedShutdownOnTerminate),
            PhaseTimeouts = phaseTimeouts,
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Rejects values the kernel cannot run with, naming the HOCON key.</summary>
    public void Validate()
    {
        if (DefaultThroughput < 1)
        {
            throw new ArgumentException($"{ConfigSection}.throughput must be at least 1 (got {DefaultThroughput}).");
        }

        if (DeadLetterLogLimit < 0)
        {
            throw new ArgumentException($"{ConfigSection}.dead-letters.log-limit must not be negative (got {DeadLetterLogLimit}).");
        }

        if (DeadLetterLogInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{ConfigSection}.dead-letters.log-interval must be positive (got {DeadLetterLogInterval}).");
        }

        if (DefaultPhaseTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{ConfigSection}.coordinated-shutdown.default-phase-timeout must be positive (got {DefaultPhaseTimeout}).");
        }

        foreach (var (phase, timeout) in PhaseTimeouts)
        {
            if (timeout <= TimeSpan.Zero)
            {
                throw new ArgumentException($"{ConfigSection}.coordinated-shutdown.phases.{phase}.timeout must be positive (got {timeout}).");
            }
        }
    }
}
