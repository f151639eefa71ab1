using System.Diagnostics;
using ClusterLb.Balancing.Routing;
using ClusterLb.Proxy.Forwarding;
using Microsoft.AspNetCore.Http;

namespace ClusterLb.Proxy.Observability;

/// <summary>
/// Where the request path reports what happened: each attempt on a host and each retry to the metrics, and each
/// finished request (once, after the response is complete) to the metrics, the span and the access log when on,
/// so the request path needs to know nothing else. The access log names the real client (<paramref name="clients"/>)
/// and the request's trace: its span's, or without one the caller's <c>traceparent</c>.
/// </summary>
public sealed class RequestRecorder(ProxyMetrics metrics, ClientAddressResolver clients, AccessLog? accessLog = null, ProxyTracing? tracing = null)
{
    /// <summary>Records one forwarded exchange with <paramref name="host"/>, which took <paramref name="elapsed"/>.</summary>
    public void Attempted(UpstreamHost host, TimeSpan elapsed) => metrics.UpstreamCompleted(host, elapsed);

    /// <summary>Records that a request of <paramref name="service"/> is sent again to another host.</summary>
    public void Retried(string service) => metrics.Retried(service);

    /// <summary>The trace id of the caller's W3C <c>traceparent</c>, default when it sent none (or a malformed one).</summary>
    public static ActivityTraceId CallerTraceId(IHeaderDictionary headers) =>
        headers.TryGetValue("traceparent", out var value) && value.Count == 1
            && ActivityContext.TryParse(value.ToString(), null, out var caller) ? caller.TraceId : default;

    /// <summary>Records one finished request.</summary>
    public void Record(HttpContext context, in RequestRecord request)
    {
        var total = Stopwatch.GetElapsedTime(request.ReceivedTimestamp);
        var response = context.Response;
        tracing?.Annotate(request.Service, request.Host, request.Retries);
        var bytesSent = ResponseBodyCounter.BytesSent(context);
        metrics.RequestAnswered(request.Service, request.Host, response.StatusCode, bytesSent, total);
        if (accessLog is not null && accessLog.Samples())
        {
            var http = context.Request;
            var upstream = request.Host;
            accessLog.Enqueue(new AccessLogEntry(
                DateTime.UtcNow,
                clients.Resolve(context),
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
                Activity.Current?.TraceId ?? CallerTraceId(http.Headers)));
        }
    }
}
