using System.Text.Json;
using System.Text.Json.Nodes;
using ClusterLb.Balancing.Registry;
using ClusterLb.Proxy.Admin.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Proxy.Admin;

/// <summary>
/// <c>GET /cluster/status</c>, <c>POST /cluster/leave</c> and <c>POST /cluster/down?address=...</c>; access rules
/// are checked by <see cref="AdminEndpoints"/> before a request gets here.
/// </summary>
public sealed partial class ClusterEndpoint(IClusterAdmin? cluster, TimeSpan timeout, ILogger logger, IRegistryAdmin? registry = null)
{
    /// <summary>The reason every cluster endpoint gives on a node that runs without a cluster.</summary>
    public const string NotClusteredReason = "this front end has no cluster membership to show";

    /// <summary>Answers <c>GET /cluster/status</c>.</summary>
    public async Task StatusAsync(HttpContext context)
    {
        if (cluster is null)
        {
            await NotClusteredAsync(context).ConfigureAwait(false);
            return;
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(timeout);
        object status;
        try
        {
            var registryStatus = RegistryStatusReader.ReadAsync(registry, deadline.Token);
            status = WithRegistry(await cluster.GetStatusAsync(deadline.Token).ConfigureAwait(false), await registryStatus.ConfigureAwait(false));
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogStatusFailed(ex);
            await AdminResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                new AdminError("cluster-status-unavailable", $"The cluster daemon did not answer within {timeout.TotalSeconds:0.#} s: {ex.Message}")).ConfigureAwait(false);
            return;
        }
        await AdminResponses.WriteAsync(context, StatusCodes.Status200OK, status).ConfigureAwait(false);
    }

    /// <summary>
    /// The cluster daemon's status document with a <c>registry</c> field added after its own fields, which stay as
    /// they are; the document itself when there is no registry.
    /// </summary>
    private static object WithRegistry(object status, object? registryStatus)
    {
        if (registryStatus is null
            || JsonSerializer.SerializeToNode(status, status.GetType(), AdminResponses.JsonOptions) is not JsonObject document)
        {
            return status;
        }
        document["registry"] = JsonSerializer.SerializeToNode(registryStatus, registryStatus.GetType(), AdminResponses.JsonOptions);
        return document;
    }

    /// <summary>Answers <c>POST /cluster/leave</c>: this node leaves.</summary>
    public Task LeaveAsync(HttpContext context)
    {
        if (cluster is null)
        {
            return NotClusteredAsync(context);
        }
        cluster.LeaveSelf();
        LogLeave();
        return AdminResponses.WriteAsync(context, StatusCodes.Status202Accepted, new ClusterCommandAccepted("leave", null));
    }

    /// <summary>Answers <c>POST /cluster/down?address=akka.tcp://...</c>.</summary>
    public Task DownAsync(HttpContext context)
    {
        if (cluster is null)
        {
            return NotClusteredAsync(context);
        }
        var values = context.Request.Query["address"];
        if (values.Count != 1 || string.IsNullOrWhiteSpace(values[0]))
        {
            return AdminResponses.WriteAsync(context, StatusCodes.Status400BadRequest,
                new AdminError("bad-request", "query parameter 'address' is required once: POST /cluster/down?address=akka.tcp://clusterlb@host:port"));
        }
        var outcome = cluster.Down(values[0]!);
        switch (outcome.Result)
        {
            case ClusterDownResult.Accepted:
                LogDown(outcome.Address);
                return AdminResponses.WriteAsync(context, StatusCodes.Status202Accepted, new ClusterCommandAccepted("down", outcome.Address));
            case ClusterDownResult.BadAddress:
                return AdminResponses.WriteAsync(context, StatusCodes.Status400BadRequest,
                    new AdminError("bad-request", $"query parameter 'address': {outcome.Reason}"));
            default:
                return AdminResponses.WriteAsync(context, StatusCodes.Status404NotFound, new AdminError("unknown-member", outcome.Reason));
        }
    }

    private static Task NotClusteredAsync(HttpContext context) =>
        AdminResponses.WriteAsync(context, StatusCodes.Status404NotFound, new AdminError("not-clustered", NotClusteredReason));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Building /cluster/status failed")]
    private partial void LogStatusFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Admin request: this node leaves the cluster")]
    private partial void LogLeave();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin request: downing cluster member {Member}")]
    private partial void LogDown(string member);
}

/// <summary>The answer to an accepted cluster command.</summary>
/// <param name="Command"><c>leave</c> or <c>down</c>.</param>
/// <param name="Address">The member downed; null for leave (this node).</param>
public sealed record ClusterCommandAccepted(string Command, string? Address);
