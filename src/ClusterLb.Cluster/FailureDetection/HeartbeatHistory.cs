using System.Collections.Immutable;

namespace ClusterLb.Cluster.FailureDetection;

/// <summary>
/// A bounded window of heartbeat intervals (milliseconds) with running sums, so mean and variance cost O(1).
/// Immutable, so the detector can publish it with a single reference swap.
/// </summary>
public sealed class HeartbeatHistory
{
    private readonly ImmutableQueue<double> _intervals;
    private readonly int _count;
    private readonly double _sum;
    private readonly double _squaredSum;

    private HeartbeatHistory(int maxSampleSize, ImmutableQueue<double> intervals, int count, double sum, double squaredSum)
    {
        MaxSampleSize = maxSampleSize;
        _intervals = intervals;
        _count = count;
        _sum = sum;
        _squaredSum = squaredSum;
    }

    /// <summary>An empty window of <paramref name="maxSampleSize"/> samples.</summary>
    public static HeartbeatHistory Create(int maxSampleSize)
    {
        if (maxSampleSize < 1) throw new ArgumentOutOfRangeException(nameof(maxSampleSize), maxSampleSize, "max-sample-size must be at least 1.");
        return new HeartbeatHistory(maxSampleSize, ImmutableQueue<double>.Empty, 0, 0, 0);
    }

    /// <summary>Window size.</summary>
    public int MaxSampleSize { get; }
    /// <summary>Samples held.</summary>
    public int Count => _count;
    /// <summary>Mean interval.</summary>
    public double Mean => _count == 0 ? 0 : _sum / _count;
    /// <summary>Population variance of the intervals.</summary>
    public double Variance => _count == 0 ? 0 : Math.Max(0, _squaredSum / _count - Mean * Mean);
    /// <summary>Standard deviation of the intervals.</summary>
    public double StdDeviation => Math.Sqrt(Variance);

    /// <summary>Adds a sample, dropping the oldest once the window is full.</summary>
    public HeartbeatHistory Add(double interval)
    {
        if (_count < MaxSampleSize)
            return new HeartbeatHistory(MaxSampleSize, _intervals.Enqueue(interval), _count + 1, _sum + interval, _squaredSum + interval * interval);
        var rest = _intervals.Dequeue(out var oldest);
        return new HeartbeatHistory(MaxSampleSize, rest.Enqueue(interval), _count,
            _sum - oldest + interval, _squaredSum - oldest * oldest + interval * interval);
    }
}
