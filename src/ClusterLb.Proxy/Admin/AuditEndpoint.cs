using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Proxy.Admin;

/// <summary><c>GET /api/audit?from=1&amp;max=100</c>: one page of the admin audit log.</summary>
public sealed partial class AuditEndpoint(IAuditSource? source, TimeSpan timeout, ILogger logger)
{
    /// <summary>Largest page a request may ask for.</summary>
    public const int MaxPageSize = 1000;

    /// <summary>Page size when <c>max</c> is not given.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>Answers one authorized request already routed here.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        if (source is null)
        {
            await AdminResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                new AdminError("audit-unavailable", "This node runs without an audit log.")).ConfigureAwait(false);
            return;
        }
        var query = context.Request.Query;
        if (!TryParse(query["from"], 1, long.MaxValue, 1, "from", out var from, out var error)
            || !TryParse(query["max"], 1, MaxPageSize, DefaultPageSize, "max", out var max, out error))
        {
            await AdminResponses.WriteAsync(context, StatusCodes.Status400BadRequest, new AdminError("bad-request", error!)).ConfigureAwait(false);
            return;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(timeout);
        AuditPage page;
        try
        {
            page = await source.GetPageAsync(from, (int)max, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogAuditFailed(ex);
            await AdminResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                new AdminError("audit-unavailable", $"The audit log did not answer within {timeout.TotalSeconds:0.#} s: {ex.Message}")).ConfigureAwait(false);
            return;
        }
        await AdminResponses.WriteAsync(context, StatusCodes.Status200OK, page).ConfigureAwait(false);
    }

    private static bool TryParse(Microsoft.Extensions.Primitives.StringValues values, long min, long limit, long fallback, string name, out long value, out string? error)
    {
        var range = limit == long.MaxValue ? $"an integer >= {min}" : $"an integer from {min} to {limit}";
        error = null;
        value = fallback;
        if (values.Count == 0)
        {
            return true;
        }
        if (values.Count > 1)
        {
            error = $"query parameter '{name}' is given more than once; it must be {range}";
            return false;
        }
        if (!long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out value) || value < min || value > limit)
        {
            error = $"query parameter '{name}' must be {range} (was '{values[0]}')";
            return false;
        }
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the audit log for /api/audit failed")]
    private partial void LogAuditFailed(Exception exception);
}
