using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Cluster.Tools.Singleton;
using ClusterLb.Backend.Wire;

namespace ClusterLb.Backend;

/// <summary>
/// Makes an Akka.NET service a ClusterLb backend: give its cluster node a role that a pool's
/// <c>discovery { type = akka-cluster, role = ... }</c> names, and start this. ClusterLb then balances across the
/// service while it is Up, drains it when it shuts down, and drops it when it leaves or stays unreachable.
/// </summary>
public static class ClusterLbBackend
{
    private static readonly ConditionalWeakTable<ActorSystem, Drain> Drains = new();

    /// <summary>
    /// Starts the endpoint actor (<c>/user/clusterlb-backend</c>) on <paramref name="system"/> and adds a
    /// CoordinatedShutdown task (phase <c>before-service-unbind</c>) that drains this backend (<see cref="DrainAsync"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The URL is not absolute http(s), or the weight is not 1 to 1000.</exception>
    public static IActorRef Start(ActorSystem system, ClusterLbBackendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Url.IsAbsoluteUri || options.Url.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"the backend URL '{options.Url}' must be an absolute http:// or https:// URL", nameof(options));
        }
        if (options.Weight is < 1 or > 1000)
        {
            throw new ArgumentException($"the weight {options.Weight} must be 1 to 1000", nameof(options));
        }
        var endpoint = system.ActorOf(BackendEndpointActor.Props(options), BackendContract.EndpointActorName);
        var discovery = system.ActorOf(
            ClusterSingletonProxy.Props(BackendContract.DiscoveryManagerPath, ClusterSingletonProxySettings.Create(system).WithRole(BackendContract.LoadBalancerRole)),
            "clusterlb-discovery-proxy");
        var drain = new Drain(endpoint, discovery, options);
        Drains.AddOrUpdate(system, drain);
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "clusterlb-backend-drain", async () =>
        {
            await drain.RunAsync().ConfigureAwait(false);
            return Akka.Done.Instance;
        });
        return endpoint;
    }

    /// <summary>
    /// Tells ClusterLb that this backend is going away and waits until it has taken the backend out of rotation
    /// (its acknowledgement, then <see cref="ClusterLbBackendOptions.DrainDelay"/>); requests in flight keep running.
    /// Call it before the HTTP server stops, for example from <c>IHostApplicationLifetime.ApplicationStopping</c>
    /// (ASP.NET Core stops the server before Akka.Hosting runs CoordinatedShutdown). Runs once; later calls wait for the first.
    /// </summary>
    public static Task DrainAsync(ActorSystem system) =>
        Drains.TryGetValue(system, out var drain) ? drain.RunAsync() : Task.CompletedTask;

    private sealed class Drain(IActorRef endpoint, IActorRef discovery, ClusterLbBackendOptions options)
    {
        private readonly Lazy<Task> _run = new(() => RunOnceAsync(endpoint, discovery, options));

        public Task RunAsync() => _run.Value;

        private static async Task RunOnceAsync(IActorRef endpoint, IActorRef discovery, ClusterLbBackendOptions options)
        {
            var draining = await endpoint.Ask<BackendEndpoint>(BackendEndpointActor.StartDraining.Instance, options.DrainAckTimeout).ConfigureAwait(false);
            try
            {
                // The ask's sender lives on this node: its address tells the discovery which member drains.
                await discovery.Ask<BackendDrainAck>(draining, options.DrainAckTimeout).ConfigureAwait(false);
                await Task.Delay(options.DrainDelay).ConfigureAwait(false);
            }
            catch (AskTimeoutException)
            {
                // No LB answered (none runs a matching pool, or the cluster is gone): nothing to drain from.
            }
        }
    }
}
