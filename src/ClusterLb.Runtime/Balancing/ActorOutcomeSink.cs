using Akka.Actor;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Registry;
using ClusterLb.Runtime.Registry;

namespace ClusterLb.Runtime.Balancing;

/// <summary>Turns request outcomes into messages to the host's health checker (a tell: never blocks).</summary>
public sealed class ActorOutcomeSink(IActorRef healthChecker) : IHostOutcomeSink
{
    /// <inheritdoc />
    public void ReportFailure(UpstreamHost host, in RequestOutcome outcome) =>
        healthChecker.Tell(new PassiveFailure(outcome.StatusCode, outcome.ConnectFailed));

    /// <inheritdoc />
    public void ReportRecovery(UpstreamHost host) => healthChecker.Tell(PassiveRecovery.Instance);
}
