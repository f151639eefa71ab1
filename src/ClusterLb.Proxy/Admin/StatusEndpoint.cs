using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Reporting;
using ClusterLb.Proxy.Admin.Registry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Proxy.Admin;

/// <summary><c>GET /status</c>: the node and every service's pools and hosts, asked from the actors, and the registry version.</summary>
public sealed partial class StatusEndpoint(NodeInfo node, IStatusSource source, TimeSpan timeout, ILogger logger, IRegistryAdmin? registry = null, Func<IReadOnlyList<ListenerStatus>>? listeners = null)
{
    /// <summary>Builds the status document by asking the actors.</summary>
    public async Task<StatusDocument> BuildAsync(CancellationToken cancellation)
    {
        var registryStatus = RegistryStatusReader.ReadAsync(registry, cancellation);
        var services = await source.GetServicesAsync(cancellation).ConfigureAwait(false);
        var hosts = services.SelectMany(s => s.Pools).SelectMany(p => p.Hosts).ToList();
        var healthy = hosts.Count(h => h.Health == "up");
        var now = DateTimeOffset.UtcNow;
        return new StatusDocument(
            new NodeStatus(node.Name, node.Version, node.StartedAt, Math.Round((now - node.StartedAt).TotalSeconds, 3)),
            StatusWords.Of(healthy, hosts.Count),
            StatusWords.Detail(healthy, hosts.Count),
            services)
        {
            Registry = await registryStatus.ConfigureAwait(false),
            Listeners = listeners?.Invoke(),
        };
    }

    /// <summary>Answers one request already routed here.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(timeout);
        StatusDocument document;
        try
        {
            document = await BuildAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogStatusFailed(ex);
            await AdminResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                new AdminError("status-unavailable", $"The actors did not answer within {timeout.TotalSeconds:0.#} s: {ex.Message}")).ConfigureAwait(false);
            return;
        }
        await AdminResponses.WriteAsync(context, StatusCodes.Status200OK, document).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Building /status failed")]
    private partial void LogStatusFailed(Exception exception);
}
