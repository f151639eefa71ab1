using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace ClusterLb.Proxy.Observability;

/// <summary>
/// Where the request path reports each finished request: the request metrics, and the access log when it is on.
/// One call per request, after the response is complete, so the request path needs to know nothing else.
/// </summary>
public sealed class RequestRecorder(ProxyMetrics metrics, AccessLog? accessLog = null, ProxyTracing? tracing = null)
{
    /// <summary>Records one finished request.</summary>
    public void Record(HttpContext context, in RequestRecord request)
    {
        var total = Stopwatch.GetElapsedTime(request.ReceivedTimestamp);
        var response = context.Response;
        if (request.Host is { } host)
        {
            metrics.UpstreamCompleted(host, request.UpstreamDuration);
        }
        tracing?.Annotate(request.Service, request.Host, request.Retries);
        var bytesSent = ResponseBodyCounter.BytesSent(context);
        metrics.RequestAnswered(request.Service, request.Host, response.StatusCode, bytesSent, total);
        if (accessLog is not null && accessLog.Samples())
        {
            var http = context.Request;
            var upstream = request.Host;
            accessLog.Enqueue(new AccessLogEntry(
                DateTime.UtcNow,
                ClientAddress.Of(context),
                http.Method,
                http.Host.Value ?? string.Empty,
                http.Path.Value ?? string.Empty,
                response.StatusCode,
                bytesSent,
                request.Service ?? string.Empty,
                upstream?.PoolId ?? string.Empty,
                upstream?.Id ?? string.Empty,
                upstream?.DestinationPrefix ?? string.Empty,
                request.UpstreamDuration,
                total,
                request.Retries,
                Activity.Current?.TraceId ?? default));
        }
    }
}
