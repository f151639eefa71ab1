using ClusterLb.Actors;
using ClusterLb.Balancing.Routing;

namespace ClusterLb.Balancing.Actors;

/// <summary>Turns request outcomes into messages to the host's health checker (a tell: never blocks).</summary>
public sealed class ActorOutcomeSink(IActorRef healthChecker) : IHostOutcomeSink
{
    /// <inheritdoc />
    public void ReportFailure(UpstreamHost host, in RequestOutcome outcome) =>
        healthChecker.Tell(new PassiveFailure(outcome.StatusCode, outcome.ConnectFailed));

    /// <inheritdoc />
    public void ReportRecovery(UpstreamHost host) => healthChecker.Tell(PassiveRecovery.Instance);
}
