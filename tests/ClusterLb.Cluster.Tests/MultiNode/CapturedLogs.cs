using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Cluster.Tests.MultiNode;

/// <summary>A logger factory that keeps every formatted line (Information and above), for assertions on what nodes did.</summary>
internal sealed class CapturedLogs : ILoggerFactory
{
    private readonly ConcurrentQueue<(long Timestamp, string Line)> _lines = new();

    public IEnumerable<string> Lines => _lines.Select(l => l.Line);

    /// <summary>The <see cref="System.Diagnostics.Stopwatch"/> timestamp of the first line containing <paramref name="text"/>, if any.</summary>
    public long? FirstTimestamp(string text) => _lines.Where(l => l.Line.Contains(text, StringComparison.Ordinal)).Select(l => (long?)l.Timestamp).FirstOrDefault();

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }

    private sealed class Logger(ConcurrentQueue<(long, string)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) lines.Enqueue((System.Diagnostics.Stopwatch.GetTimestamp(), formatter(state, exception)));
        }
    }
}
