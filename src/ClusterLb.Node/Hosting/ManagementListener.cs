using Akka;
using Akka.Actor;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Hosting;
using ClusterLb.Runtime.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Node.Hosting;

/// <summary>
/// The management endpoint of a bootstrapping node (<c>clusterlb.cluster.management</c>): Cluster Bootstrap's
/// contact-point route <c>GET /bootstrap/seed-nodes</c> on Kestrel, in place of Akka.Management's own HTTP server
/// (which cannot start with the Ceen.Httpd that is served; see <see cref="ClusterJoin"/>). Read-only; anything else
/// is 404. Stopped in CoordinatedShutdown's <c>before-cluster-shutdown</c> phase, where Akka.Management stops its own.
/// </summary>
internal static class ManagementListener
{
    /// <summary>Binds the endpoint and registers its stop; returns once it accepts connections.</summary>
    /// <exception cref="NodeStartException">The address is not an IP address, or the port is taken.</exception>
    public static async Task StartAsync(ActorSystem system, ILoggerFactory loggerFactory)
    {
        var endpoint = ClusterJoin.Management(system);
        var seedNodes = new BootstrapSeedNodes(system);
        KestrelListener listener;
        try
        {
            listener = KestrelListener.Create(
                "clusterlb-management",
                [(new ListenerSettings(endpoint.BindHostname, endpoint.BindPort), HttpProtocols.Http1)],
                loggerFactory,
                _ => { },
                _ => context => Answer(context, seedNodes));
            await listener.StartAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidOperationException)
        {
            throw new NodeStartException(
                $"cannot bind the management endpoint {endpoint.BindHostname}:{endpoint.BindPort} (clusterlb.cluster.management): {ex.GetBaseException().Message}", ex);
        }
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeClusterShutdown, "management-stop", async () =>
        {
            await listener.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await listener.DisposeAsync().ConfigureAwait(false);
            return Done.Instance;
        });
    }

    private static Task Answer(HttpContext context, BootstrapSeedNodes seedNodes)
    {
        if (!HttpMethods.IsGet(context.Request.Method) || context.Request.Path != BootstrapSeedNodes.Path)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(seedNodes.Json());
    }
}
