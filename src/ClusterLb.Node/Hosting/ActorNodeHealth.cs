using Akka.Actor;
using ClusterLb.Proxy.Admin;
using AkkaCluster = Akka.Cluster.Cluster;
using MemberStatus = Akka.Cluster.MemberStatus;

namespace ClusterLb.Node.Hosting;

/// <summary>The probes' view of the actor system and of this node's cluster membership (reads state, asks nothing).</summary>
internal sealed class ActorNodeHealth(ActorSystem system, AkkaCluster cluster) : INodeHealth
{
    public string? LivenessProblem() =>
        system.WhenTerminated.IsCompleted ? "the actor system has terminated" : null;

    public string? MembershipProblem()
    {
        if (cluster.IsTerminated)
        {
            return "this node has left the cluster (cluster extension terminated)";
        }
        var status = cluster.SelfMember.Status;
        return status == MemberStatus.Up
            ? null
            : $"this node is not an Up cluster member (status {status}{(status == MemberStatus.Joining ? ", waiting to join through its seed nodes" : "")})";
    }
}
