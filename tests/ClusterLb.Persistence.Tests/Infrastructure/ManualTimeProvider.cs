namespace ClusterLb.Persistence.Tests.Infrastructure;

/// <summary>A clock the test advances by hand (timers still run on real time).</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private long _ticks = TimeSpan.TicksPerDay;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => new(new DateTime(2026, 11, 21, 0, 0, 0, DateTimeKind.Utc).AddTicks(GetTimestamp()));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
