using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace ClusterLb.Proxy.Observability;

/// <summary>
/// Where the request path reports each finished request: the request metrics, and the access log when it is on.
/// One call per request, after the response is complete, so the request path needs to know nothing else.
/// </summary>
public sealed class RequestRecorder(ProxyMetrics metrics)
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
        metrics.RequestAnswered(request.Service, request.Host, response.StatusCode, ResponseBodyCounter.BytesSent(context), total);
    }
}
