namespace ClusterLb.Proxy.Observability;

/// <summary>How access log lines are written.</summary>
public enum AccessLogFormat
{
    /// <summary>One JSON object per line (the default).</summary>
    Json,

    /// <summary>One space-separated line, nginx-like, for people reading the file.</summary>
    Text,
}

/// <summary>The access log (<c>clusterlb.access-log</c>): one line per proxied request.</summary>
/// <param name="Enabled">Write the log.</param>
/// <param name="Format">JSON (default) or text.</param>
/// <param name="Path">The file to write; empty writes to standard output.</param>
/// <param name="MaxFileSize">A file reaching this size is rotated (<c>access.log</c> → <c>access.log.1</c> …).</param>
/// <param name="MaxFiles">Files kept, the current one included; the oldest is deleted on rotation.</param>
/// <param name="SampleRate">Share of requests logged, 0 to 1 (1 = every request, 0 = none).</param>
/// <param name="QueueSize">Lines waiting for the writer; when full, lines are dropped (and counted), never waited for.</param>
public sealed record AccessLogSettings(bool Enabled, AccessLogFormat Format, string Path, long MaxFileSize, int MaxFiles, double SampleRate, int QueueSize)
{
    /// <summary>The reference.conf defaults: off; JSON to stdout when turned on, every request, 100 MiB × 5 files for a file.</summary>
    public static AccessLogSettings Default { get; } = new(Enabled: false, AccessLogFormat.Json, string.Empty, 100L * 1024 * 1024, 5, 1.0, 10_000);
}
