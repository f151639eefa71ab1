using System.Diagnostics;
using ClusterLb.Balancing.Routing;
using ClusterLb.Proxy.Forwarding;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ClusterLb.Proxy.Observability;

/// <summary>
/// OpenTelemetry tracing of one node: a server span per proxied request (with the chosen service, pool and host)
/// and per admin write, exported over OTLP. The proxied request's span is <see cref="Activity.Current"/> while YARP
/// forwards, so .NET's HTTP client makes its client span (<c>System.Net.Http</c>) under it and the upstream client's
/// propagator (<c>UpstreamClientFactory</c>) sends that span's W3C <c>traceparent</c> to the backend: the
/// collector sees proxy span → client span → backend. An incoming <c>traceparent</c> becomes the proxy span's parent.
/// </summary>
public sealed class ProxyTracing : IDisposable
{
    /// <summary>The activity source name of every node's spans.</summary>
    public const string SourceName = "ClusterLb";

    private static readonly string[] SpanMethods = ["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"];
    private static readonly string[] ProxySpanNames = Array.ConvertAll(SpanMethods, m => "proxy " + m);
    private static readonly string[] AdminSpanNames = Array.ConvertAll(SpanMethods, m => "admin " + m);

    private readonly ActivitySource _source = new(SourceName);
    private readonly TracerProvider _provider;
    private readonly ClientAddressResolver _clients;

    /// <summary>Starts the tracer provider of node <paramref name="nodeName"/>; spans name the real client by <paramref name="clients"/>.</summary>
    public ProxyTracing(TracingSettings settings, string nodeName, ClientAddressResolver clients)
    {
        _clients = clients;
        var options = new OtlpExporterOptions
        {
            Endpoint = ExportUri(settings),
            Protocol = settings.Protocol == TracingProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf,
        };
        _provider = Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService(MetricsExporter.ServiceName, serviceInstanceId: nodeName))
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.SampleRatio)))
            .AddSource(SourceName, OwnSpansProcessor.HttpClientSource)
            .AddProcessor(new OwnSpansProcessor(_source, new BatchActivityExportProcessor(new OtlpTraceExporter(options), scheduledDelayMilliseconds: 1000)))
            .Build();
    }

    /// <summary>Where spans are sent: the endpoint, with <c>/v1/traces</c> added for OTLP/HTTP when it has no path.</summary>
    public static Uri ExportUri(TracingSettings settings) =>
        settings.Protocol == TracingProtocol.HttpProtobuf && settings.Endpoint.AbsolutePath is "/" or ""
            ? new Uri(settings.Endpoint, "/v1/traces")
            : settings.Endpoint;

    /// <summary>Runs a proxied request inside its server span.</summary>
    public async Task ProxyAsync(HttpContext context, RequestDelegate next)
    {
        using var span = Start(context, "proxy");
        await next(context).ConfigureAwait(false);
        if (span is not null)
        {
            Finish(span, context.Response.StatusCode);
        }
    }

    /// <summary>Runs an admin request, traced when it writes (anything but GET and HEAD).</summary>
    public async Task AdminAsync(HttpContext context, RequestDelegate next)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
        {
            await next(context).ConfigureAwait(false);
            return;
        }
        using var span = Start(context, "admin");
        await next(context).ConfigureAwait(false);
        if (span is not null)
        {
            Finish(span, context.Response.StatusCode);
        }
    }

    /// <summary>Adds where the request went to the current span (called by the request recorder).</summary>
    public void Annotate(string? service, UpstreamHost? host, int retries)
    {
        if (Activity.Current is { IsAllDataRequested: true } span && span.Source == _source)
        {
            span.SetTag("clusterlb.service", service);
            if (host is not null)
            {
                span.SetTag("clusterlb.pool", host.PoolId);
                span.SetTag("clusterlb.host", host.Id);
                span.SetTag("clusterlb.upstream.address", host.DestinationPrefix);
            }
            span.SetTag("clusterlb.retries", retries);
        }
    }

    /// <summary>Exports what is buffered (tests, shutdown).</summary>
    public bool Flush(int timeoutMilliseconds = 5000) => _provider.ForceFlush(timeoutMilliseconds);

    /// <inheritdoc />
    public void Dispose()
    {
        _provider.Dispose();
        _source.Dispose();
    }

    private Activity? Start(HttpContext context, string what)
    {
        var request = context.Request;
        // The caller's traceparent is the parent. ASP.NET Core may have made an activity of its own for the request
        // (it does when anything listens to its diagnostics), but nothing exports it: a child of it would point to
        // a span no collector ever sees, and would inherit its "not sampled" flag.
        var hosting = Activity.Current;
        if (hosting is not null)
        {
            Activity.Current = null;
        }
        ActivityContext parent = default;
        DistributedContextPropagator.Current.ExtractTraceIdAndState(request.Headers, static (carrier, name, out value, out values) =>
        {
            values = null;
            value = carrier is IHeaderDictionary headers && headers.TryGetValue(name, out var header) ? header.ToString() : null;
        }, out var traceParent, out var traceState);
        if (traceParent is not null)
        {
            ActivityContext.TryParse(traceParent, traceState, isRemote: true, out parent);
        }
        var span = _source.StartActivity(SpanName(what, request.Method), ActivityKind.Server, parent);
        if (span is null)
        {
            if (hosting is not null)
            {
                Activity.Current = hosting;
            }
        }
        else if (span.IsAllDataRequested)
        {
            span.SetTag("http.request.method", request.Method);
            span.SetTag("url.path", request.Path.Value);
            span.SetTag("server.address", request.Host.Host);
            span.SetTag("client.address", _clients.Resolve(context)?.ToString());
        }
        return span;
    }

    /// <summary>"proxy GET", "admin PUT": the common ones built once, not per request.</summary>
    private static string SpanName(string what, string method)
    {
        var names = what == "proxy" ? ProxySpanNames : AdminSpanNames;
        for (var i = 0; i < SpanMethods.Length; i++)
        {
            if (string.Equals(SpanMethods[i], method, StringComparison.Ordinal))
            {
                return names[i];
            }
        }
        return $"{what} {method}";
    }

    private static void Finish(Activity span, int status)
    {
        span.SetTag("http.response.status_code", status);
        if (status >= 500)
        {
            span.SetStatus(ActivityStatusCode.Error);
        }
    }
}
