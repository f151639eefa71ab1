using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace ClusterLb.Proxy.Observability;

/// <summary>
/// Serves <c>GET /metrics</c> in the Prometheus text format (OpenMetrics when the scraper asks for it) through
/// OpenTelemetry's Prometheus exporter: the exporter owns the exposition format and the name translation
/// (<c>clusterlb.proxy.requests</c> with unit <c>{request}</c> becomes <c>clusterlb_proxy_requests_total</c>,
/// unit <c>s</c> adds <c>_seconds</c>). One meter provider per node: it keeps only the <c>ClusterLb</c>
/// meters of its own node's scope, so nodes sharing a process (the demo, the tests) do not mix their counts.
/// </summary>
public sealed class MetricsExporter : IDisposable
{
    /// <summary>Bucket bounds of every latency histogram, in seconds (1 ms .. 60 s).</summary>
    public static readonly double[] LatencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>The .NET runtime's own meter (GC, heap, JIT, thread pool, process CPU and memory).</summary>
    public const string RuntimeMeterName = "System.Runtime";

    /// <summary>The OpenTelemetry <c>service.name</c> of every node (in <c>target_info</c> and on spans).</summary>
    public const string ServiceName = "clusterlb";

    private readonly MeterProvider _provider;
    private readonly ServiceProvider _services;
    private readonly RequestDelegate _pipeline;

    /// <summary>Builds the meter provider for the node whose meters carry <paramref name="scope"/>.</summary>
    public MetricsExporter(MetricsSettings settings, object? scope)
    {
        RequireToken = settings.RequireToken;
        var builder = Sdk.CreateMeterProviderBuilder()
            .ConfigureResource(r => r.AddService(ServiceName))
            .AddMeter(ProxyMetrics.MeterName)
            .AddView(instrument => Configure(instrument, scope))
            .AddPrometheusExporter(o =>
            {
                // Every scrape sees the counts of that moment; Prometheus scrapes seconds apart anyway.
                o.ScrapeResponseCacheDurationMilliseconds = 0;
                // Labels stay the ones ClusterLb documents (no otel_scope_* on every series).
                o.ScopeInfoEnabled = false;
            });
        if (settings.RuntimeMetrics)
        {
            builder.AddMeter(RuntimeMeterName);
        }
        _provider = builder.Build();
        // The exporter's middleware is reached through its public builder extension, on a pipeline of its own that
        // the admin router calls for /metrics (the admin listener itself has no middleware pipeline).
        _services = new ServiceCollection().AddOptions().BuildServiceProvider();
        var app = new ApplicationBuilder(_services);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(_provider, _ => true, path: null, configureBranchedPipeline: null, optionsName: null);
        app.Run(NotFoundAsync);
        _pipeline = app.Build();
    }

    /// <summary>Whether a scrape must carry the admin bearer token.</summary>
    public bool RequireToken { get; }

    /// <summary>Writes the exposition of the current values.</summary>
    public Task InvokeAsync(HttpContext context) => _pipeline(context);

    /// <inheritdoc />
    public void Dispose()
    {
        _provider.Dispose();
        _services.Dispose();
    }

    private static MetricStreamConfiguration? Configure(Instrument instrument, object? scope)
    {
        if (instrument.Meter.Name != ProxyMetrics.MeterName)
        {
            return null;
        }
        if (!ReferenceEquals(instrument.Meter.Scope, scope))
        {
            return MetricStreamConfiguration.Drop;
        }
        return instrument.Unit == "s" && instrument is Histogram<double>
            ? new ExplicitBucketHistogramConfiguration { Boundaries = LatencyBuckets }
            : null;
    }

    private static Task NotFoundAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
