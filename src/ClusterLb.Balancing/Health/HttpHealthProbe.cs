using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Authentication;
using ClusterLb.Balancing.Settings;
using ClusterLb.Balancing.Upstreams;

namespace ClusterLb.Balancing.Health;

/// <summary>
/// One active HTTP check: <c>GET {address}{path}</c> within the timeout, healthy when the status is in the
/// healthy set. Never throws: every failure becomes a <see cref="ProbeResult"/> with a reason.
/// </summary>
/// <remarks>
/// Each probe asks for its connection to be closed, so the next one connects afresh (as HAProxy's checks do): a
/// backend that stops accepting connections fails its checks even while an old keepalive connection still works.
/// Over HTTP/2 (a pool with <c>http-version = http2</c>) there is no such request: the connection stays open between probes.
/// A probe speaks the pool's HTTP version and TLS (its client comes from <see cref="HealthProbeClients"/>) and sends the
/// pool's <c>tls.sni</c> as its Host, so it checks what proxied requests will meet.
/// </remarks>
public sealed class HttpHealthProbe(HttpMessageInvoker client, Uri address, HealthCheckSettings settings, UpstreamConnectionSettings? connection = null) : IHealthProbe
{
    private readonly Uri _target = new(new Uri(address.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/"), settings.Path.TrimStart('/'));
    private readonly UpstreamHttpVersion _version = connection?.HttpVersion ?? UpstreamHttpVersion.Auto;
    private readonly string? _authority = connection is null ? null : UpstreamHandlerFactory.Authority(connection.Tls, address);

    /// <inheritdoc />
    public string Target => _target.ToString();

    /// <inheritdoc />
    public async Task<ProbeResult> RunAsync(CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, _target);
            request.Headers.UserAgent.ParseAdd("ClusterLb-HealthCheck/1");
            if (_version == UpstreamHttpVersion.Http2)
            {
                request.Version = _version.RequestVersion();
                request.VersionPolicy = _version.VersionPolicy();
            }
            else
            {
                request.Headers.ConnectionClose = true;
            }
            if (_authority is not null)
            {
                request.Headers.Host = _authority;
            }
            using var response = await client.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var latency = Stopwatch.GetElapsedTime(started);
            return settings.HealthyStatuses.Contains(status)
                ? new ProbeResult(true, status, latency, null)
                : new ProbeResult(false, status, latency, $"status {status} not in {settings.HealthyStatuses}");
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return new ProbeResult(false, 0, Stopwatch.GetElapsedTime(started), $"timed out after {settings.Timeout.TotalMilliseconds:0} ms");
        }
        catch (HttpRequestException ex)
        {
            var reason = ex.InnerException switch
            {
                SocketException socket => $"connect failed: {socket.SocketErrorCode}",
                AuthenticationException tls => $"TLS handshake failed: {tls.Message}",
                _ => ex.Message,
            };
            return new ProbeResult(false, 0, Stopwatch.GetElapsedTime(started), reason);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new ProbeResult(false, 0, Stopwatch.GetElapsedTime(started), ex.Message);
        }
    }
}
