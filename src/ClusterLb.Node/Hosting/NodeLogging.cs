using Microsoft.Extensions.Logging;

namespace ClusterLb.Node.Hosting;

/// <summary>The console logging of the <c>clusterlb</c> executable.</summary>
public static class NodeLogging
{
    /// <summary>
    /// Console logging in <paramref name="format"/> <c>text</c> (one line per event) or <c>json</c> (one JSON
    /// object per event with every structured field). ASP.NET Core's and YARP's per-request logs are held at
    /// Warning: at Information they would cost more than the proxying itself.
    /// </summary>
    public static ILoggerFactory Create(string format, LogLevel minimum) => LoggerFactory.Create(builder =>
    {
        if (string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ");
        }
        else
        {
            builder.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.UseUtcTimestamp = true;
            });
        }
        builder.SetMinimumLevel(minimum);
        builder.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        builder.AddFilter("Yarp", LogLevel.Warning);
    });
}
