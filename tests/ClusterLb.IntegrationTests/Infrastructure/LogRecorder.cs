using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>Keeps a node's log lines (Akka's included, through its LoggerFactoryLogger) so a test can wait for what it said.</summary>
internal sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    /// <summary>How many lines so far contain <paramref name="fragment"/>.</summary>
    public int Count(string fragment) => _lines.Count(line => line.Contains(fragment, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Recorder(_lines);

    public void Dispose() { }

    private sealed class Recorder(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));
    }
}
