using System.Diagnostics;
using System.Net.Sockets;
using ClusterLb.Balancing.Routing;
using ClusterLb.Proxy.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace ClusterLb.Proxy.Forwarding;

/// <summary>
/// The request path: match a service, pick a host from its snapshot on this thread, forward with YARP, then
/// report the outcome. Answers at once when nothing can serve the request: 404 without a service, 503
/// without a healthy host.
/// </summary>
public sealed partial class ProxyRequestHandler(
    ServiceMatcher matcher,
    IHttpForwarder forwarder,
    HttpMessageInvoker client,
    ForwarderRequestConfig requestConfig,
    HttpTransformer transformer,
    RequestRecorder recorder,
    ILogger<ProxyRequestHandler> logger)
{
    /// <summary>Handles one request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var received = Stopwatch.GetTimestamp();
        if (DeclaredBodySize.IsTooLarge(context))
        {
            await WritePlainAsync(context, StatusCodes.Status413PayloadTooLarge, "the request body is larger than clusterlb.proxy.limits.max-request-body-size").ConfigureAwait(false);
            recorder.Record(context, new RequestRecord(received, null, null, TimeSpan.Zero));
            return;
        }
        var route = matcher.Match(context.Request);
        if (route is null)
        {
            await WritePlainAsync(context, StatusCodes.Status404NotFound, "no service matches this host and path").ConfigureAwait(false);
            recorder.Record(context, new RequestRecord(received, null, null, TimeSpan.Zero));
            return;
        }

        var host = route.Pick();
        if (host is null)
        {
            await WritePlainAsync(context, StatusCodes.Status503ServiceUnavailable, route.Snapshot.NoHostReason).ConfigureAwait(false);
            recorder.Record(context, new RequestRecord(received, route.ServiceName, null, TimeSpan.Zero));
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var error = ForwarderError.None;
        try
        {
            error = await forwarder.SendAsync(context, host.DestinationPrefix, client, requestConfig, transformer).ConfigureAwait(false);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var connectFailed = error != ForwarderError.None && IsConnectFailure(context);
            var upstreamStatus = error == ForwarderError.None ? context.Response.StatusCode : 0;
            RouteHandle.Complete(host, new RequestOutcome(upstreamStatus, elapsed, connectFailed));
            recorder.Record(context, new RequestRecord(received, route.ServiceName, host, elapsed));
            if (error != ForwarderError.None)
            {
                LogForwardError(host.ServiceName, host.PoolId, host.Id, error, context.Features.Get<IForwarderErrorFeature>()?.Exception?.Message);
            }
        }
    }

    private static bool IsConnectFailure(HttpContext context)
    {
        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        return exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }
            || exception?.InnerException is SocketException;
    }

    private static Task WritePlainAsync(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(reason + "\n");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding to {Service}/{Pool}/{Host} failed: {Error} ({Reason})")]
    private partial void LogForwardError(string service, string pool, string host, ForwarderError error, string? reason);
}
