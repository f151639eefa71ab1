namespace ClusterLb.Proxy.Admin;

/// <summary>
/// The node-state checks behind <c>/health/live</c> and <c>/health/ready</c> that the proxy layer cannot see itself
/// (the actor system and the cluster membership); the node supplies the implementation. Both are called on every
/// probe, so they read state and ask nothing.
/// </summary>
public interface INodeHealth
{
    /// <summary>Null while the actor system runs; otherwise why the node is not alive.</summary>
    string? LivenessProblem();

    /// <summary>Null when this node is an <c>Up</c> cluster member; otherwise why it is not (such as its member status).</summary>
    string? MembershipProblem();
}
