using System.Text.Json;
using ClusterLb.Proxy.Admin.Dashboard;
using ClusterLb.Proxy.Admin.Events;
using ClusterLb.Proxy.Admin.Registry;
using ClusterLb.Proxy.Observability;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterLb.Proxy.Admin;

/// <summary>
/// Routes the admin listener's requests: the probes <c>GET /health/live</c> and <c>GET /health/ready</c> (always
/// open: orchestrators send no token), <c>GET /status</c> (open unless <c>protect-status</c>), everything under
/// <c>/api/</c> behind the bearer token, <c>GET /cluster/status</c> and <c>GET /events</c> under the same rule as
/// <c>/status</c>, the cluster commands (<c>POST /cluster/leave</c>, <c>POST /cluster/down</c>) behind the token,
/// <c>GET /metrics</c> (Prometheus; open unless <c>clusterlb.admin.metrics.require-token</c>), the dashboard's
/// static files under <c>/dashboard</c> (always open: they hold no data), and a JSON 404/405 with a reason for
/// everything else.
/// </summary>
public sealed class AdminEndpoints(
    AdminAccessSettings access,
    StatusEndpoint status,
    AuditEndpoint audit,
    ClusterEndpoint? cluster = null,
    RegistryEndpoints? registry = null,
    EventsEndpoint? events = null,
    MetricsExporter? metrics = null,
    HealthEndpoint? health = null)
{
    private readonly BearerTokenCheck _token = new(access.Token);
    private readonly ClusterEndpoint _cluster = cluster ?? new ClusterEndpoint(null, TimeSpan.FromSeconds(5), NullLogger.Instance);
    private readonly RegistryEndpoints _registry = registry ?? new RegistryEndpoints(null, null, RegistryEndpointsOptions.Default, NullLogger.Instance);
    private readonly HealthEndpoint _health = health ?? new HealthEndpoint([], null) { ProxyOpen = true };
    private readonly EventsEndpoint _events = events ?? new EventsEndpoint(null, EventsEndpointOptions.Default, CancellationToken.None, NullLogger.Instance);

    /// <summary>Serializer options of every admin answer (camelCase, indented for humans with curl).</summary>
    public static JsonSerializerOptions JsonOptions => AdminResponses.JsonOptions;

    /// <summary>Handles one admin request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value?.TrimEnd('/');
        if (path is "/health/live" or "/health/ready")
        {
            await (!AdminResponses.IsRead(request) ? AdminResponses.MethodNotAllowedAsync(context, path)
                : path is "/health/live" ? _health.LiveAsync(context)
                : _health.ReadyAsync(context)).ConfigureAwait(false);
            return;
        }

        if (path is "/status")
        {
            if (access.ProtectStatus && _token.Refusal(request) is { } statusRefusal)
            {
                await AdminResponses.UnauthorizedAsync(context, statusRefusal).ConfigureAwait(false);
            }
            else if (!AdminResponses.IsRead(request))
            {
                await AdminResponses.MethodNotAllowedAsync(context, "/status").ConfigureAwait(false);
            }
            else
            {
                await status.InvokeAsync(context).ConfigureAwait(false);
            }
            return;
        }

        if (path is "/cluster/status")
        {
            if (access.ProtectStatus && _token.Refusal(request) is { } clusterStatusRefusal)
            {
                await AdminResponses.UnauthorizedAsync(context, clusterStatusRefusal).ConfigureAwait(false);
            }
            else if (!AdminResponses.IsRead(request))
            {
                await AdminResponses.MethodNotAllowedAsync(context, "/cluster/status").ConfigureAwait(false);
            }
            else
            {
                await _cluster.StatusAsync(context).ConfigureAwait(false);
            }
            return;
        }

        if (path is "/events")
        {
            // Events show the same hosts and health as /status, so they follow the same rule.
            if (access.ProtectStatus && _token.Refusal(request) is { } eventsRefusal)
            {
                await AdminResponses.UnauthorizedAsync(context, eventsRefusal).ConfigureAwait(false);
            }
            else if (!AdminResponses.IsRead(request))
            {
                await AdminResponses.MethodNotAllowedAsync(context, "/events").ConfigureAwait(false);
            }
            else
            {
                await _events.InvokeAsync(context).ConfigureAwait(false);
            }
            return;
        }

        if (DashboardEndpoint.Handles(request.Path))
        {
            await DashboardEndpoint.InvokeAsync(context).ConfigureAwait(false);
            return;
        }

        if (path is "/metrics")
        {
            await MetricsAsync(context).ConfigureAwait(false);
            return;
        }

        if (request.Path.StartsWithSegments("/cluster"))
        {
            // Commands change the membership: the token comes first, as for /api/.
            if (_token.Refusal(request) is { } commandRefusal)
            {
                await AdminResponses.UnauthorizedAsync(context, commandRefusal).ConfigureAwait(false);
            }
            else if (path is "/cluster/leave" or "/cluster/down" && !HttpMethods.IsPost(request.Method))
            {
                context.Response.Headers.Allow = "POST";
                await AdminResponses.WriteAsync(context, StatusCodes.Status405MethodNotAllowed,
                    new AdminError("method-not-allowed", $"{request.Method} {path} is not supported; use POST {path}.")).ConfigureAwait(false);
            }
            else if (path is "/cluster/leave")
            {
                await _cluster.LeaveAsync(context).ConfigureAwait(false);
            }
            else if (path is "/cluster/down")
            {
                await _cluster.DownAsync(context).ConfigureAwait(false);
            }
            else
            {
                await NotFoundAsync(context, "try GET /cluster/status, POST /cluster/leave or POST /cluster/down?address=...").ConfigureAwait(false);
            }
            return;
        }

        if (request.Path.StartsWithSegments("/api"))
        {
            // Refuse before routing, so an unauthenticated caller learns nothing about which endpoints exist.
            if (_token.Refusal(request) is { } refusal)
            {
                await AdminResponses.UnauthorizedAsync(context, refusal).ConfigureAwait(false);
            }
            else if (path is "/api/audit")
            {
                await (AdminResponses.IsRead(request) ? audit.InvokeAsync(context) : AdminResponses.MethodNotAllowedAsync(context, "/api/audit")).ConfigureAwait(false);
            }
            else if (path!.Split('/', StringSplitOptions.RemoveEmptyEntries)[1..] is var segments && RegistryEndpoints.Handles(segments))
            {
                await _registry.InvokeAsync(context, segments).ConfigureAwait(false);
            }
            else
            {
                await NotFoundAsync(context, "try GET /api/audit, GET /api/services or GET /api/pools").ConfigureAwait(false);
            }
            return;
        }

        await NotFoundAsync(context, "try GET /status, GET /dashboard, GET /health/live or GET /health/ready").ConfigureAwait(false);
    }

    private Task MetricsAsync(HttpContext context)
    {
        if (metrics is null)
        {
            return NotFoundAsync(context, "metrics are off (clusterlb.admin.metrics.enabled = off)");
        }
        if (metrics.RequireToken && _token.Refusal(context.Request) is { } refusal)
        {
            return AdminResponses.UnauthorizedAsync(context, refusal);
        }
        return AdminResponses.IsRead(context.Request) ? metrics.InvokeAsync(context) : AdminResponses.MethodNotAllowedAsync(context, "/metrics");
    }

    private static Task NotFoundAsync(HttpContext context, string hint) =>
        AdminResponses.WriteAsync(context, StatusCodes.Status404NotFound,
            new AdminError("not-found", $"No admin endpoint at {context.Request.Method} {context.Request.Path}; {hint}."));
}
