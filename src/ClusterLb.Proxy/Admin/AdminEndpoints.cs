using System.Text.Json;
using System.Text.Json.Serialization;
using ClusterLb.Balancing.Reporting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Proxy.Admin;

/// <summary>
/// The admin listener's requests: <c>GET /status</c>, and a JSON 404/405 with a reason for everything else.
/// </summary>
public sealed partial class AdminEndpoints(NodeInfo node, IStatusSource source, TimeSpan statusTimeout, ILogger<AdminEndpoints> logger)
{
    /// <summary>Serializer options of every admin answer (camelCase, indented for humans with curl).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Handles one admin request.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value?.TrimEnd('/');
        if (path is "/status")
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                context.Response.Headers.Allow = "GET, HEAD";
                await WriteAsync(context, StatusCodes.Status405MethodNotAllowed, new AdminError("method-not-allowed", $"{context.Request.Method} /status is not supported; use GET /status.")).ConfigureAwait(false);
                return;
            }
            await WriteStatusAsync(context).ConfigureAwait(false);
            return;
        }

        await WriteAsync(context, StatusCodes.Status404NotFound, new AdminError("not-found", $"No admin endpoint at {context.Request.Method} {context.Request.Path}; try GET /status.")).ConfigureAwait(false);
    }

    /// <summary>Builds the status document by asking the actors.</summary>
    public async Task<StatusDocument> BuildStatusAsync(CancellationToken cancellation)
    {
        var services = await source.GetServicesAsync(cancellation).ConfigureAwait(false);
        var hosts = services.SelectMany(s => s.Pools).SelectMany(p => p.Hosts).ToList();
        var healthy = hosts.Count(h => h.Health == "up");
        var now = DateTimeOffset.UtcNow;
        return new StatusDocument(
            new NodeStatus(node.Name, node.Version, node.StartedAt, Math.Round((now - node.StartedAt).TotalSeconds, 3)),
            StatusWords.Of(healthy, hosts.Count),
            StatusWords.Detail(healthy, hosts.Count),
            services);
    }

    private async Task WriteStatusAsync(HttpContext context)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        timeout.CancelAfter(statusTimeout);
        StatusDocument document;
        try
        {
            document = await BuildStatusAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogStatusFailed(ex);
            await WriteAsync(context, StatusCodes.Status503ServiceUnavailable, new AdminError("status-unavailable", $"The actors did not answer within {statusTimeout.TotalSeconds:0.#} s: {ex.Message}")).ConfigureAwait(false);
            return;
        }
        await WriteAsync(context, StatusCodes.Status200OK, document).ConfigureAwait(false);
    }

    private static Task WriteAsync<T>(HttpContext context, int status, T body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : JsonSerializer.SerializeAsync(context.Response.Body, body, JsonOptions, context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Building /status failed")]
    private partial void LogStatusFailed(Exception exception);
}
