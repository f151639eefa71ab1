using Akka.Actor;
using ClusterLb.Runtime.Balancing;
using ClusterLb.Balancing.Reporting;
using ClusterLb.Proxy.Admin;

namespace ClusterLb.Node.Hosting;

/// <summary>Answers <c>/status</c> by asking the balancer actor, which asks every router, which asks its checkers.</summary>
public sealed class ActorStatusSource(IActorRef balancer, TimeSpan timeout) : IStatusSource
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<ServiceStatus>> GetServicesAsync(CancellationToken cancellation)
    {
        var status = await balancer.Ask<BalancerStatus>(GetBalancerStatus.Instance, timeout, cancellation).ConfigureAwait(false);
        return status.Services;
    }
}
