namespace ClusterLb.Cluster.Tests.FailureDetection;

internal sealed class ManualClock : TimeProvider
{
    public long Ms { get; set; }
    public override long TimestampFrequency => 1000;
    public override long GetTimestamp() => Ms;
}
