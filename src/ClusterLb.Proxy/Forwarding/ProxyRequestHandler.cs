using System.Diagnostics;
using System.Net.Sockets;
using ClusterLb.Balancing.Routing;
using ClusterLb.Proxy.Observability;
using ClusterLb.Balancing.Settings;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace ClusterLb.Proxy.Forwarding;

/// <summary>
/// The request path: match a service, pick a host from its snapshot on this thread, forward with YARP, report
/// the outcome, and send a failed request to another host when it may be retried. Answers at once when nothing
/// can serve the request: 404 without a service, 503 without a healthy host, and (with <c>https.redirect-http</c>)
/// a 308 to HTTPS for every request on the plain HTTP/1.1 listener.
/// </summary>
/// <remarks>
/// A retry needs a response not yet started and either a request that never reached its host (connect failure)
/// or an idempotent request without a body that was reset or answered with a status in the service's
/// <c>retry-on</c>; it goes to a host this request has not tried, within the service's retry budget.
/// </remarks>
public sealed partial class ProxyRequestHandler(
    ServiceMatcher matcher,
    IHttpForwarder forwarder,
    UpstreamClients upstreams,
    RequestRecorder recorder,
    ClientAddressResolver clients,
    ILogger<ProxyRequestHandler> logger,
    Tls.HttpsRedirect? redirect = null)
{
    /// <summary>Handles one request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var received = Stopwatch.GetTimestamp();
        if (redirect is not null && Tls.HttpsRedirect.Applies(context))
        {
            await redirect.WriteAsync(context).ConfigureAwait(false);
            recorder.Record(context, new RequestRecord(received, null, null, TimeSpan.Zero));
            return;
        }
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

        var tried = new TriedHosts();
        var attempts = 0;
        var host = Choose(context, route.Snapshot, ref tried, attempts, null, out var cookie);
        if (host is null)
        {
            await WritePlainAsync(context, StatusCodes.Status503ServiceUnavailable, route.Snapshot.NoHostReason).ConfigureAwait(false);
            recorder.Record(context, new RequestRecord(received, route.ServiceName, null, TimeSpan.Zero));
            return;
        }

        var retries = route.Retries;
        route.RetryBudget.Deposit();
        var mayRetryStatus = retries.Attempts > 0 && !retries.RetryOn.IsEmpty && IsReplayable(context);
        var retryStatus = mayRetryStatus ? new RetryableStatusFeature(retries.RetryOn) : null;
        var upstreamTime = TimeSpan.Zero;
        try
        {
            while (true)
            {
                RouteHandle.Track(host);
                if (cookie is not null)
                {
                    StickyCookie.Issue(context, cookie, host);
                }
                if (retryStatus is not null)
                {
                    // The last allowed attempt answers whatever the host says.
                    retryStatus.HeldBack = 0;
                    context.Features.Set(attempts < retries.Attempts ? retryStatus : null);
                }
                var (error, heldBack, elapsed) = await ForwardAsync(context, host, retryStatus).ConfigureAwait(false);
                upstreamTime = elapsed;
                if (error == ForwarderError.None && heldBack == 0)
                {
                    break;
                }
                var next = attempts < retries.Attempts && MayRetry(context, error, heldBack)
                    ? Choose(context, route.Snapshot, ref tried, attempts + 1, host, out cookie)
                    : null;
                if (next is null || !route.RetryBudget.TryWithdraw())
                {
                    if (heldBack != 0)
                    {
                        await WritePlainAsync(context, heldBack, $"upstream {host.ServiceName}/{host.PoolId}/{host.Id} answered {heldBack} and no other host could take the retry").ConfigureAwait(false);
                    }
                    else if (!context.Response.HasStarted && TlsFailure(context) is { } tls)
                    {
                        await WritePlainAsync(context, StatusCodes.Status502BadGateway, $"upstream {host.ServiceName}/{host.PoolId}/{host.Id}: TLS handshake failed: {tls}").ConfigureAwait(false);
                    }
                    break;
                }
                attempts++;
                recorder.Retried(route.ServiceName);
                LogRetry(host.ServiceName, host.PoolId, host.Id, next.Id, heldBack != 0 ? heldBack.ToString(System.Globalization.CultureInfo.InvariantCulture) : error.ToString());
                // Back to a clean, unstarted response: YARP refuses to forward over a status or headers already set.
                context.Response.Clear();
                context.Features.Set<IForwarderErrorFeature>(null);
                host = next;
            }
        }
        finally
        {
            recorder.Record(context, new RequestRecord(received, route.ServiceName, host, upstreamTime, attempts));
        }
    }

    /// <summary>
    /// Picks a host for attempt <paramref name="attempt"/>, after <paramref name="current"/> and the hosts tried before
    /// it; <paramref name="cookie"/> is the sticky cookie to issue with it, null when the request's cookie already names it.
    /// </summary>
    private UpstreamHost? Choose(HttpContext context, RoutingSnapshot snapshot, ref TriedHosts tried, int attempt, UpstreamHost? current, out StickyCookieSettings? cookie)
    {
        cookie = null;
        var pool = snapshot.Active;
        if (pool is null)
        {
            return null;
        }
        if (current is not null)
        {
            tried[attempt - 1] = current;
        }
        var keyHash = 0UL;
        var hasKey = pool.Key is { } key && RequestKeyHasher.TryHash(context, key, clients, out keyHash);
        var affinity = pool.Options.Affinity;
        var affinityId = 0UL;
        var hasAffinityId = affinity.Mode == AffinityMode.StickyCookie && StickyCookie.TryRead(context.Request, affinity.Cookie, out affinityId);
        var clientHash = affinity.Mode == AffinityMode.ClientIp ? clients.Hash(context) : 0;
        var pick = new PickContext(keyHash, hasKey, ((Span<UpstreamHost?>)tried)[..attempt], affinityId, hasAffinityId, clientHash, Stopwatch.GetTimestamp());
        var host = snapshot.Pick(pick);
        if (host is null || pick.WasTried(host))
        {
            return null;
        }
        if (affinity.Mode == AffinityMode.StickyCookie && host.PoolId == pool.Id && (!hasAffinityId || affinityId != host.AffinityId))
        {
            cookie = affinity.Cookie;
        }
        return host;
    }

    private async Task<(ForwarderError Error, int HeldBack, TimeSpan Elapsed)> ForwardAsync(HttpContext context, UpstreamHost host, RetryableStatusFeature? retryStatus)
    {
        var started = Stopwatch.GetTimestamp();
        var elapsed = TimeSpan.Zero;
        var error = ForwarderError.None;
        try
        {
            var pool = upstreams.For(host);
            error = await forwarder.SendAsync(context, host.DestinationPrefix, pool.Invoker, pool.Config, pool.Transformer).ConfigureAwait(false);
        }
        finally
        {
            elapsed = Stopwatch.GetElapsedTime(started);
            var heldBack = retryStatus?.HeldBack ?? 0;
            var connectFailed = error != ForwarderError.None && IsConnectFailure(context);
            var upstreamStatus = heldBack != 0 ? heldBack : error == ForwarderError.None ? context.Response.StatusCode : 0;
            RouteHandle.Complete(host, new RequestOutcome(upstreamStatus, elapsed, connectFailed));
            recorder.Attempted(host, elapsed);
            if (error != ForwarderError.None)
            {
                var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
                LogForwardError(host.ServiceName, host.PoolId, host.Id, error, TlsFailure(context) is { } tls ? $"TLS handshake failed: {tls}" : exception?.Message);
            }
        }
        return (error, retryStatus?.HeldBack ?? 0, elapsed);
    }

    /// <summary>Whether a failed attempt may be sent again: nothing reached the client, and the request can be replayed.</summary>
    private static bool MayRetry(HttpContext context, ForwarderError error, int heldBack)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return false;
        }
        if (heldBack != 0)
        {
            return true;
        }
        if (error is ForwarderError.Request && IsConnectFailure(context))
        {
            // Never reached the host: safe for any method, the body has not been read.
            return true;
        }
        return error is ForwarderError.Request && IsReplayable(context);
    }

    /// <summary>An idempotent method without a body: sending it twice has the effect of sending it once.</summary>
    private static bool IsReplayable(HttpContext context)
    {
        var method = context.Request.Method;
        var idempotent = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)
            || HttpMethods.IsTrace(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);
        return idempotent && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != true;
    }

    /// <summary>
    /// The request never reached its host: no connection, or a TLS handshake that failed (a certificate that does not
    /// verify is the host's fault, like a refused connection: a passive failure, and any request may go elsewhere).
    /// </summary>
    private static bool IsConnectFailure(HttpContext context)
    {
        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        return exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError }
            || exception?.InnerException is SocketException;
    }

    /// <summary>Why the TLS handshake with the host failed, or null when it did not.</summary>
    private static string? TlsFailure(HttpContext context) =>
        context.Features.Get<IForwarderErrorFeature>()?.Exception is HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } ex
            ? ex.InnerException?.Message ?? ex.Message
            : null;

    private static Task WritePlainAsync(HttpContext context, int status, string reason)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(reason + "\n");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding to {Service}/{Pool}/{Host} failed: {Error} ({Reason})")]
    private partial void LogForwardError(string service, string pool, string host, ForwarderError error, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrying {Service} request from {Pool}/{Host} on {NextHost} after {Failure}")]
    private partial void LogRetry(string service, string pool, string host, string nextHost, string failure);
}
