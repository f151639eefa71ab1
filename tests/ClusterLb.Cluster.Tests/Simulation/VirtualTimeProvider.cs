namespace ClusterLb.Cluster.Tests.Simulation;

/// <summary>A clock that only moves when the test says so.</summary>
internal sealed class VirtualTimeProvider : TimeProvider
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private long _ticks;

    public TimeSpan Elapsed => TimeSpan.FromTicks(_ticks);
    public void Advance(TimeSpan by) => _ticks += by.Ticks;
    public void AdvanceTo(TimeSpan at)
    {
        if (at.Ticks > _ticks) _ticks = at.Ticks;
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => _ticks;
    public override DateTimeOffset GetUtcNow() => Epoch + Elapsed;
}
