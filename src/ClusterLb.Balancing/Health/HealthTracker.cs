using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Health;

/// <summary>
/// The rise/fall state machine of one host, fed by active probe results and passive failures. Pure and
/// single-threaded: its health-checker actor owns it.
/// </summary>
/// <remarks>
/// Hosts a node starts with begin <see cref="HostHealth.Up"/> (HAProxy's and YARP's choice), so a freshly started
/// node serves at once; a dead host is found within <c>interval × fall</c>. A host added to the registry at runtime
/// begins <see cref="HostHealth.Down"/> and enters rotation after <c>rise</c> good probes.
/// </remarks>
public sealed class HealthTracker(int rise, int fall, int passiveFall, HostHealth initial = HostHealth.Up)
{
    /// <summary>Creates a tracker from a pool's settings.</summary>
    public HealthTracker(HealthCheckSettings active, PassiveHealthSettings passive, HostHealth initial = HostHealth.Up)
        : this(active.Rise, active.Fall, passive.Fall, initial)
    {
    }

    /// <summary>Current state.</summary>
    public HostHealth State { get; private set; } = initial;

    /// <summary>Failed probes in a row (reset by a good probe).</summary>
    public int ConsecutiveFailures { get; private set; }

    /// <summary>Good probes in a row (reset by a failed probe or a passive failure).</summary>
    public int ConsecutiveSuccesses { get; private set; }

    /// <summary>Passive failures in a row (reset by a recovery report or a state change).</summary>
    public int ConsecutivePassiveFailures { get; private set; }

    /// <summary>Records an active probe result; true when the state changed.</summary>
    public bool ObserveProbe(bool healthy)
    {
        if (healthy)
        {
            ConsecutiveFailures = 0;
            ConsecutiveSuccesses++;
            return State == HostHealth.Down && ConsecutiveSuccesses >= rise && Transition(HostHealth.Up);
        }

        ConsecutiveSuccesses = 0;
        ConsecutiveFailures++;
        return State == HostHealth.Up && ConsecutiveFailures >= fall && Transition(HostHealth.Down);
    }

    /// <summary>Records a failure seen in proxied traffic; true when the host went down.</summary>
    public bool ObservePassiveFailure()
    {
        ConsecutiveSuccesses = 0;
        ConsecutivePassiveFailures++;
        return State == HostHealth.Up && ConsecutivePassiveFailures >= passiveFall && Transition(HostHealth.Down);
    }

    /// <summary>Records a successful proxied request after failures; resets the passive streak.</summary>
    public void ObservePassiveRecovery() => ConsecutivePassiveFailures = 0;

    /// <summary>Forces the state (passive down-time expiry when active checks are off); true when it changed.</summary>
    public bool Force(HostHealth state)
    {
        ConsecutiveSuccesses = 0;
        ConsecutiveFailures = 0;
        return State != state && Transition(state);
    }

    private bool Transition(HostHealth next)
    {
        State = next;
        ConsecutivePassiveFailures = 0;
        if (next == HostHealth.Up)
        {
            ConsecutiveFailures = 0;
        }
        else
        {
            ConsecutiveSuccesses = 0;
        }
        return true;
    }
}
