using Microsoft.AspNetCore.Http;

namespace ClusterLb.Proxy.Admin.Dashboard;

/// <summary>
/// <c>GET /dashboard</c> and its files (<c>/dashboard/app.js</c>, <c>app.css</c>, <c>icon.svg</c>): the live
/// dashboard, static files embedded in this assembly. They hold no data and need no token: the page reads
/// <c>/status</c>, <c>/cluster/status</c> and <c>/events</c> and writes through <c>/api/</c> itself, with the token
/// its user types, so every access rule stays where it is. The Content-Security-Policy lets the page run only these
/// files and talk only to this listener.
/// </summary>
public static class DashboardEndpoint
{
    /// <summary>
    /// Only this origin's script and style files (no inline script or style, no <c>eval</c>), requests only to this
    /// origin, no plugins, no forms sent anywhere, no framing.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>Whether <paramref name="path"/> is the dashboard's.</summary>
    public static bool Handles(PathString path) => path.StartsWithSegments(DashboardAssets.IndexPath, StringComparison.Ordinal);

    /// <summary>Answers one request under <c>/dashboard</c>.</summary>
    public static Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value!.TrimEnd('/');
        if (DashboardAssets.Find(path) is not { } asset)
        {
            return AdminResponses.WriteAsync(context, StatusCodes.Status404NotFound,
                new AdminError("not-found", $"No dashboard file at {context.Request.Path}; open GET {DashboardAssets.IndexPath} (files: {string.Join(", ", DashboardAssets.Paths)})."));
        }
        if (!AdminResponses.IsRead(context.Request))
        {
            return AdminResponses.MethodNotAllowedAsync(context, path);
        }
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidate every time (a 304 while unchanged), so a node upgrade shows its own page at once.
        headers.CacheControl = "no-cache";
        return TypedResults.Bytes(asset.Content, asset.ContentType, entityTag: asset.ETag).ExecuteAsync(context);
    }
}
