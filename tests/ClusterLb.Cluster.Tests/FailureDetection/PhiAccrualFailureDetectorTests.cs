using ClusterLb.Cluster.FailureDetection;

namespace ClusterLb.Cluster.Tests.FailureDetection;

public class PhiAccrualFailureDetectorTests
{
    private readonly ManualClock _clock = new();

    private PhiAccrualFailureDetector Detector(FailureDetectorSettings? s = null) => new(s ?? new FailureDetectorSettings(), _clock);

    private void Beat(PhiAccrualFailureDetector d, int count, int everyMs)
    {
        for (var i = 0; i < count; i++)
        {
            d.Heartbeat();
            _clock.Ms += everyMs;
        }
        _clock.Ms -= everyMs;
    }

    [Fact]
    public void Phi_formula_matches_reference_values()
    {
        // At the mean phi is log10(2); it then grows steeply with the number of deviations past the mean.
        Assert.Equal(Math.Log10(2), PhiAccrualFailureDetector.Phi(1000, 1000, 100), 6);
        Assert.True(PhiAccrualFailureDetector.Phi(500, 1000, 100) < 0.01);
        var p1 = PhiAccrualFailureDetector.Phi(1100, 1000, 100);
        var p3 = PhiAccrualFailureDetector.Phi(1300, 1000, 100);
        Assert.InRange(p1, 0.75, 0.85);   // one sigma: ~16% chance left → phi ≈ 0.8
        Assert.InRange(p3, 2.7, 3.0);     // three sigma: ~0.13% left → phi ≈ 2.87
        Assert.True(PhiAccrualFailureDetector.Phi(2000, 1000, 100) > 8);
    }

    [Fact]
    public void Available_and_not_monitoring_before_the_first_heartbeat()
    {
        var d = Detector();
        Assert.True(d.IsAvailable);
        Assert.False(d.IsMonitoring);
        Assert.Equal(0, d.Phi());
        _clock.Ms = 100_000;
        Assert.True(d.IsAvailable);
    }

    [Fact]
    public void Steady_heartbeats_keep_the_node_available_through_the_acceptable_pause()
    {
        var d = Detector();
        Beat(d, 30, 1000);
        Assert.True(d.IsMonitoring);
        _clock.Ms += 3500;
        Assert.True(d.IsAvailable, $"phi {d.Phi()} after 3.5s");
    }

    [Fact]
    public void With_akka_defaults_a_silent_node_is_unavailable_about_4_5_seconds_after_its_last_heartbeat()
    {
        var d = Detector();
        Beat(d, 30, 1000);
        var last = _clock.Ms;
        while (d.IsAvailable) _clock.Ms += 10;
        var detectedAfter = _clock.Ms - last;
        Assert.InRange(detectedAfter, 4300, 4700);
    }

    [Fact]
    public void Lower_threshold_detects_sooner()
    {
        var d = Detector(new FailureDetectorSettings { Threshold = 3 });
        Beat(d, 30, 1000);
        var last = _clock.Ms;
        while (d.IsAvailable) _clock.Ms += 10;
        Assert.InRange(_clock.Ms - last, 4200, 4400); // phi 3 is ~3.06 sigma past mean + pause
    }

    [Fact]
    public void An_outage_gap_is_not_recorded_as_a_normal_interval()
    {
        var d = Detector();
        Beat(d, 20, 1000);
        _clock.Ms += 60_000; // outage
        Assert.False(d.IsAvailable);
        d.Heartbeat();
        Assert.True(d.IsAvailable);
        _clock.Ms += 1000;
        d.Heartbeat();
        // Had the 60 s gap been sampled, the mean would jump and 4.5 s of silence would still look fine.
        _clock.Ms += 5000;
        Assert.False(d.IsAvailable);
    }

    [Fact]
    public void History_window_is_bounded_and_statistics_are_correct()
    {
        var h = HeartbeatHistory.Create(3).Add(1).Add(2).Add(3);
        Assert.Equal(2, h.Mean, 9);
        Assert.Equal(2.0 / 3, h.Variance, 9);
        h = h.Add(10);
        Assert.Equal(3, h.Count);
        Assert.Equal(5, h.Mean, 9);
        Assert.Throws<ArgumentOutOfRangeException>(() => HeartbeatHistory.Create(0));
    }

    [Fact]
    public void Invalid_settings_are_rejected_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => Detector(new FailureDetectorSettings { Threshold = 0 }));
        Assert.Contains("failure-detector.threshold", e.Message);
    }
}
