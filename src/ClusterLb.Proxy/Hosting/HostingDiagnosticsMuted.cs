using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterLb.Proxy.Hosting;

/// <summary>
/// The node's logger factory with ASP.NET Core's per-request hosting logger (<see cref="Category"/>) turned off.
/// While that logger is enabled at any level, ASP.NET Core starts an <see cref="System.Diagnostics.Activity"/> and a
/// logging scope for every request, and the upstream client then starts a child activity and sends its
/// <c>traceparent</c>: work nobody asked for, on every proxied request. That category logs only request start and
/// finish lines (Information), which a proxy never wants; Kestrel's own errors keep their categories.
/// </summary>
public sealed class HostingDiagnosticsMuted(ILoggerFactory inner) : ILoggerFactory
{
    /// <summary>The category ASP.NET Core's hosting layer logs each request under.</summary>
    public const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) =>
        categoryName == Category ? NullLogger.Instance : inner.CreateLogger(categoryName);

    /// <inheritdoc />
    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    /// <summary>Leaves the wrapped factory to its owner.</summary>
    public void Dispose()
    {
    }
}
