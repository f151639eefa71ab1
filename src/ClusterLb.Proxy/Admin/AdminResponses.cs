using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace ClusterLb.Proxy.Admin;

/// <summary>How every admin answer is written: JSON, camelCase, indented for humans with curl.</summary>
internal static class AdminResponses
{
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static Task WriteAsync<T>(HttpContext context, int status, T body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : JsonSerializer.SerializeAsync(context.Response.Body, body, JsonOptions, context.RequestAborted);
    }

    public static Task MethodNotAllowedAsync(HttpContext context, string path)
    {
        context.Response.Headers.Allow = "GET, HEAD";
        return WriteAsync(context, StatusCodes.Status405MethodNotAllowed,
            new AdminError("method-not-allowed", $"{context.Request.Method} {path} is not supported; use GET {path}."));
    }

    public static Task UnauthorizedAsync(HttpContext context, string reason)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return WriteAsync(context, StatusCodes.Status401Unauthorized, new AdminError("unauthorized", reason));
    }

    public static bool IsRead(HttpRequest request) => HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
}
