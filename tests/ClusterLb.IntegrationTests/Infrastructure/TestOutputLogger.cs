using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>Sends the node's log lines to the test's output, so a failing run shows what the actors saw.</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output) : ILoggerProvider
{
    public static ILoggerFactory Factory(ITestOutputHelper output) => LoggerFactory.Create(b => b
        .AddProvider(new TestOutputLoggerProvider(output))
        .SetMinimumLevel(LogLevel.Information)
        .AddFilter("Microsoft", LogLevel.Warning)
        .AddFilter("Yarp", LogLevel.Warning));

    public ILogger CreateLogger(string categoryName) => new Logger(output, categoryName);

    public void Dispose() { }

    private sealed class Logger(ITestOutputHelper output, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel,-11} {category.Split('.')[^1]}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
            }
            catch (InvalidOperationException)
            {
                // The test already finished; its output is closed.
            }
        }
    }
}
