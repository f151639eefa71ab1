using ClusterLb.Balancing.Health;

namespace ClusterLb.Balancing.Tests;

public class HealthTrackerTests
{
    [Fact]
    public void Starts_up_and_falls_after_fall_consecutive_failures()
    {
        var tracker = new HealthTracker(rise: 2, fall: 3, passiveFall: 1);
        Assert.Equal(HostHealth.Up, tracker.State);
        Assert.False(tracker.ObserveProbe(false));
        Assert.False(tracker.ObserveProbe(false));
        Assert.True(tracker.ObserveProbe(false));
        Assert.Equal(HostHealth.Down, tracker.State);
        Assert.Equal(3, tracker.ConsecutiveFailures);
    }

    [Fact]
    public void A_good_probe_resets_the_failure_streak()
    {
        var tracker = new HealthTracker(2, 3, 1);
        tracker.ObserveProbe(false);
        tracker.ObserveProbe(false);
        tracker.ObserveProbe(true);
        Assert.Equal(0, tracker.ConsecutiveFailures);
        tracker.ObserveProbe(false);
        tracker.ObserveProbe(false);
        Assert.Equal(HostHealth.Up, tracker.State);
    }

    [Fact]
    public void Rises_after_rise_consecutive_successes()
    {
        var tracker = new HealthTracker(rise: 3, fall: 1, passiveFall: 1);
        tracker.ObserveProbe(false);
        Assert.Equal(HostHealth.Down, tracker.State);
        Assert.False(tracker.ObserveProbe(true));
        Assert.False(tracker.ObserveProbe(true));
        Assert.False(tracker.ObserveProbe(false));
        Assert.False(tracker.ObserveProbe(true));
        Assert.False(tracker.ObserveProbe(true));
        Assert.True(tracker.ObserveProbe(true));
        Assert.Equal(HostHealth.Up, tracker.State);
    }

    [Fact]
    public void Passive_failures_take_the_host_down_at_passive_fall_and_recovery_resets()
    {
        var tracker = new HealthTracker(rise: 2, fall: 3, passiveFall: 2);
        Assert.False(tracker.ObservePassiveFailure());
        tracker.ObservePassiveRecovery();
        Assert.False(tracker.ObservePassiveFailure());
        Assert.True(tracker.ObservePassiveFailure());
        Assert.Equal(HostHealth.Down, tracker.State);
        Assert.False(tracker.ObservePassiveFailure());
    }

    [Fact]
    public void Passive_failure_breaks_a_rise_streak()
    {
        var tracker = new HealthTracker(rise: 2, fall: 1, passiveFall: 1);
        tracker.ObserveProbe(false);
        tracker.ObserveProbe(true);
        tracker.ObservePassiveFailure();
        Assert.False(tracker.ObserveProbe(true));
        Assert.True(tracker.ObserveProbe(true));
    }

    [Fact]
    public void Force_changes_state_once()
    {
        var tracker = new HealthTracker(2, 3, 1);
        Assert.True(tracker.Force(HostHealth.Down));
        Assert.False(tracker.Force(HostHealth.Down));
        Assert.True(tracker.Force(HostHealth.Up));
    }
}
