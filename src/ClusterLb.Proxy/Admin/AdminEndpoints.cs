using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ClusterLb.Proxy.Admin;

/// <summary>
/// Routes the admin listener's requests: <c>GET /status</c> (open unless <c>protect-status</c>), everything under
/// <c>/api/</c> behind the bearer token, and a JSON 404/405 with a reason for everything else.
/// </summary>
public sealed class AdminEndpoints(AdminAccessSettings access, StatusEndpoint status, AuditEndpoint audit)
{
    private readonly BearerTokenCheck _token = new(access.Token);

    /// <summary>Serializer options of every admin answer (camelCase, indented for humans with curl).</summary>
    public static JsonSerializerOptions JsonOptions => AdminResponses.JsonOptions;

    /// <summary>Handles one admin request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value?.TrimEnd('/');
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
            else
            {
                await NotFoundAsync(context, "try GET /api/audit").ConfigureAwait(false);
            }
            return;
        }

        await NotFoundAsync(context, "try GET /status").ConfigureAwait(false);
    }

    private static Task NotFoundAsync(HttpContext context, string hint) =>
        AdminResponses.WriteAsync(context, StatusCodes.Status404NotFound,
            new AdminError("not-found", $"No admin endpoint at {context.Request.Method} {context.Request.Path}; {hint}."));
}
