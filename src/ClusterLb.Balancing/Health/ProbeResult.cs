namespace ClusterLb.Balancing.Health;

/// <summary>The result of one active probe.</summary>
/// <param name="Healthy">Whether the probe counts as good.</param>
/// <param name="StatusCode">Response status, or 0 when none arrived.</param>
/// <param name="Latency">Time the probe took (up to the timeout).</param>
/// <param name="Error">Why the probe failed, for logs and status; null when healthy.</param>
public sealed record ProbeResult(bool Healthy, int StatusCode, TimeSpan Latency, string? Error);
