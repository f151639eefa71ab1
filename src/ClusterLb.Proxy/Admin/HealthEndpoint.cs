using ClusterLb.Balancing.Routing;
using Microsoft.AspNetCore.Http;

namespace ClusterLb.Proxy.Admin;

/// <summary>
/// <c>GET /health/live</c> and <c>GET /health/ready</c> for orchestrators (Docker <c>HEALTHCHECK</c>, Kubernetes
/// probes), answered from the node's own state: 200 or 503 with a short JSON reason, never behind the token.
/// Live: the process answers and the actor system runs. Ready: live, this node is an <c>Up</c> cluster member,
/// every service's router published its first snapshot, and the proxy listener is open (it closes when a drain
/// starts, so a leaving node turns unready before it stops serving).
/// </summary>
public sealed class HealthEndpoint(IReadOnlyCollection<RouteHandle> handles, INodeHealth? node)
{
    private volatile bool _proxyOpen;

    /// <summary>Whether the proxy listener accepts connections; set by the front end when it binds and when it drains.</summary>
    public bool ProxyOpen
    {
        get => _proxyOpen;
        set => _proxyOpen = value;
    }

    /// <summary>The liveness answer: null when live, otherwise the reason.</summary>
    public string? LivenessProblem() => node?.LivenessProblem();

    /// <summary>The readiness answer: null when ready, otherwise the first reason found.</summary>
    public string? ReadinessProblem()
    {
        if (LivenessProblem() is { } dead)
        {
            return dead;
        }
        if (node?.MembershipProblem() is { } membership)
        {
            return membership;
        }
        var waiting = handles.Where(h => !h.FirstPublished.IsCompletedSuccessfully).Select(h => h.ServiceName).ToList();
        if (waiting.Count > 0)
        {
            return $"no routing snapshot yet for service(s) {string.Join(", ", waiting)}";
        }
        return _proxyOpen ? null : "the proxy listener is not open (starting, or draining for shutdown)";
    }

    /// <summary>Answers <c>GET /health/live</c>.</summary>
    public Task LiveAsync(HttpContext context) => LivenessProblem() is { } problem
        ? AdminResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, new HealthAnswer("not-live", problem))
        : AdminResponses.WriteAsync(context, StatusCodes.Status200OK, new HealthAnswer("live", "the process and its actor system run"));

    /// <summary>Answers <c>GET /health/ready</c>.</summary>
    public Task ReadyAsync(HttpContext context) => ReadinessProblem() is { } problem
        ? AdminResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, new HealthAnswer("not-ready", problem))
        : AdminResponses.WriteAsync(context, StatusCodes.Status200OK, new HealthAnswer("ready", "cluster member Up, every service routing, proxy listener open"));
}
