using System.Text.Json;
using ClusterLb.Balancing.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Proxy.Admin.Registry;

/// <summary>
/// <c>/api/services</c> and <c>/api/pools/...</c>: reads from this node's registry replica, writes through
/// <see cref="IRegistryAdmin.ApplyAsync"/>, an audit entry per applied write. The token is checked by
/// <see cref="AdminEndpoints"/> before a request gets here.
/// </summary>
public sealed partial class RegistryEndpoints(IRegistryAdmin? registry, IAuditSink? audit, RegistryEndpointsOptions options, ILogger logger)
{
    /// <summary>The reason every registry endpoint gives on a node without a registry.</summary>
    public const string NoRegistryReason = "this node runs without the runtime registry; pools come from the configuration file only";

    /// <summary>Who the audit log names for changes made with the (single, shared) admin token.</summary>
    public const string AuditActor = "admin";

    /// <summary>Whether <paramref name="segments"/> (after <c>/api</c>) is a registry path.</summary>
    public static bool Handles(string[] segments) => segments is ["services", ..] or ["pools", ..];

    /// <summary>Answers one authorized request; <paramref name="segments"/> is the path after <c>/api</c>.</summary>
    public async Task InvokeAsync(HttpContext context, string[] segments)
    {
        var (allow, run) = Route(context, segments);
        if (allow is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, "not-found", null,
                $"No admin endpoint at {context.Request.Method} {context.Request.Path}; see GET /api/pools").ConfigureAwait(false);
            return;
        }
        if (run is null)
        {
            context.Response.Headers.Allow = allow;
            await ErrorAsync(context, StatusCodes.Status405MethodNotAllowed, "method-not-allowed", null,
                $"{context.Request.Method} {context.Request.Path} is not supported; allowed: {allow}").ConfigureAwait(false);
            return;
        }
        if (registry is null)
        {
            await ErrorAsync(context, StatusCodes.Status404NotFound, "no-registry", null, NoRegistryReason).ConfigureAwait(false);
            return;
        }
        try
        {
            await run(registry).ConfigureAwait(false);
        }
        catch (AdminRequestException refused)
        {
            await ErrorAsync(context, refused.Status, refused.Error, refused.Field, refused.Reason).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogRegistryUnavailable(context.Request.Method, context.Request.Path.Value ?? "", ex);
            await ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "registry-unavailable", null,
                $"the registry did not answer; a write may or may not have been applied, check GET /api/pools ({ex.Message})").ConfigureAwait(false);
        }
    }

    private (string? Allow, Func<IRegistryAdmin, Task>? Run) Route(HttpContext context, string[] segments)
    {
        var method = context.Request.Method;
        var read = AdminResponses.IsRead(context.Request);
        var post = HttpMethods.IsPost(method);
        var put = HttpMethods.IsPut(method);
        var delete = HttpMethods.IsDelete(method);
        return segments switch
        {
            ["services"] => ("GET, HEAD", read ? r => ReadAsync(context, r.GetServicesAsync) : null),
            ["pools"] => ("GET, HEAD, POST",
                read ? r => ReadAsync(context, async c => (await r.GetPoolsAsync(c).ConfigureAwait(false)).Select(PoolDocument.From).ToList())
                : post ? r => WriteAsync(context, r, true, b => RegistryCommandParser.CreatePool(b!.Value))
                : null),
            ["pools", var pool] => ("GET, HEAD, PUT, DELETE",
                read ? r => GetPoolAsync(context, r, pool)
                : put ? r => WriteAsync(context, r, true, b => RegistryCommandParser.UpdatePool(pool, b!.Value))
                : delete ? r => WriteAsync(context, r, false, b => { RegistryCommandParser.NoFields(b); return new DeletePool(pool); })
                : null),
            ["pools", var pool, "hosts"] => ("POST",
                post ? r => WriteAsync(context, r, true, b => RegistryCommandParser.AddHost(pool, b!.Value)) : null),
            ["pools", var pool, "hosts", var host] => ("PUT, DELETE",
                put ? r => WriteAsync(context, r, true, b => RegistryCommandParser.UpdateHost(pool, host, b!.Value))
                : delete ? r => WriteAsync(context, r, false, b => { RegistryCommandParser.NoFields(b); return new RemoveHost(pool, host); })
                : null),
            ["pools", var pool, "hosts", var host, var verb] when StateOf(verb) is { } state => ("POST",
                post ? r => WriteAsync(context, r, false, b => { RegistryCommandParser.NoFields(b); return new SetHostState(pool, host, state); }) : null),
            _ => (null, null),
        };
    }

    private static HostAdminState? StateOf(string verb) => verb switch
    {
        "up" => HostAdminState.Up,
        "down" => HostAdminState.Down,
        "drain" => HostAdminState.Drain,
        _ => null,
    };

    private async Task ReadAsync<T>(HttpContext context, Func<CancellationToken, Task<T>> read)
    {
        using var deadline = Deadline(context, options.ReadTimeout);
        var result = await read(deadline.Token).ConfigureAwait(false);
        await AdminResponses.WriteAsync(context, StatusCodes.Status200OK, result).ConfigureAwait(false);
    }

    private async Task GetPoolAsync(HttpContext context, IRegistryAdmin registry, string pool)
    {
        using var deadline = Deadline(context, options.ReadTimeout);
        var view = await registry.GetPoolAsync(pool, deadline.Token).ConfigureAwait(false);
        await (view is null
            ? ErrorAsync(context, StatusCodes.Status404NotFound, "not-found", "pool", $"no pool '{pool}'; see GET /api/pools")
            : AdminResponses.WriteAsync(context, StatusCodes.Status200OK, PoolDocument.From(view))).ConfigureAwait(false);
    }

    private async Task WriteAsync(HttpContext context, IRegistryAdmin registry, bool bodyRequired, Func<JsonElement?, RegistryCommand> parse)
    {
        RegistryCommand command;
        using (var body = await JsonBodyReader.ReadAsync(context.Request, bodyRequired, context.RequestAborted).ConfigureAwait(false))
        {
            command = parse(body?.RootElement);
        }

        using var deadline = Deadline(context, options.WriteTimeout);
        var result = await registry.ApplyAsync(command, deadline.Token).ConfigureAwait(false);
        switch (result.Status)
        {
            case RegistryWriteStatus.Applied:
                await RecordAsync(command, result.Consistency).ConfigureAwait(false);
                var created = command is CreatePool or AddHost;
                if (command is CreatePool pool)
                {
                    context.Response.Headers.Location = $"/api/pools/{Uri.EscapeDataString(pool.Id)}";
                }
                var warning = result.Consistency == "majority" ? null
                    : result.Reason.Length > 0 ? result.Reason : "applied on this node only; it spreads to the others by gossip";
                await AdminResponses.WriteAsync(context, created ? StatusCodes.Status201Created : StatusCodes.Status200OK,
                    new RegistryWriteDocument(result.Consistency, warning, result.Pool is null ? null : PoolDocument.From(result.Pool))).ConfigureAwait(false);
                break;
            case RegistryWriteStatus.Invalid:
                await ErrorAsync(context, StatusCodes.Status400BadRequest, "invalid", result.Field, result.Reason).ConfigureAwait(false);
                break;
            case RegistryWriteStatus.NotFound:
                await ErrorAsync(context, StatusCodes.Status404NotFound, "not-found", result.Field, result.Reason).ConfigureAwait(false);
                break;
            default:
                await ErrorAsync(context, StatusCodes.Status409Conflict, "conflict", result.Field, result.Reason).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Records an applied change. The change stands even when the audit log fails: the log says so.</summary>
    private async Task RecordAsync(RegistryCommand command, string consistency)
    {
        var entry = RegistryAudit.Of(command, consistency);
        LogApplied(entry.Action, entry.Target, entry.Detail);
        if (audit is null)
        {
            return;
        }
        try
        {
            await audit.RecordAsync(AuditActor, entry.Action, entry.Target, entry.Detail, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogAuditFailed(entry.Action, entry.Target, ex);
        }
    }

    private static CancellationTokenSource Deadline(HttpContext context, TimeSpan timeout)
    {
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(timeout);
        return deadline;
    }

    private static Task ErrorAsync(HttpContext context, int status, string error, string? field, string reason) =>
        AdminResponses.WriteAsync(context, status, new RegistryErrorDocument(error, field, reason));

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin registry change {Action} {Target}: {Detail}")]
    private partial void LogApplied(string action, string target, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Admin registry change {Action} {Target} was applied but the audit log did not record it")]
    private partial void LogAuditFailed(string action, string target, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registry failed to answer {Method} {Path}")]
    private partial void LogRegistryUnavailable(string method, string path, Exception exception);
}

/// <summary>Timeouts of the registry endpoints.</summary>
/// <param name="ReadTimeout">For reads from this node's replica.</param>
/// <param name="WriteTimeout">For writes, which wait for a majority (the registry falls back to <c>local</c> sooner).</param>
public sealed record RegistryEndpointsOptions(TimeSpan ReadTimeout, TimeSpan WriteTimeout)
{
    /// <summary>5 s reads, 15 s writes.</summary>
    public static RegistryEndpointsOptions Default { get; } = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));
}
