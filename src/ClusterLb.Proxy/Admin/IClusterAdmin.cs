namespace ClusterLb.Proxy.Admin;

/// <summary>
/// The node's Akka.Cluster membership as the admin listener sees it. The proxy layer does not depend on the actor
/// layer; the node supplies the implementation (every node is a cluster member; a front end built without one,
/// as in tests of the proxy alone, answers <c>/cluster/*</c> with 404).
/// </summary>
public interface IClusterAdmin
{
    /// <summary>This node's view of the membership (Akka's cluster state); serialized as-is.</summary>
    Task<object> GetStatusAsync(CancellationToken cancellation);

    /// <summary>Starts this node's graceful leave (Leaving → Exiting → Removed).</summary>
    void LeaveSelf();

    /// <summary>Marks the member at <paramref name="address"/> Down.</summary>
    ClusterDownOutcome Down(string address);
}

/// <summary>What <see cref="IClusterAdmin.Down"/> did.</summary>
/// <param name="Result">Whether the member was downed, or why not.</param>
/// <param name="Address">The parsed address, or the input when it did not parse.</param>
/// <param name="Reason">Why the request was refused; empty when accepted.</param>
public sealed record ClusterDownOutcome(ClusterDownResult Result, string Address, string Reason);

/// <summary>The outcome kinds of a down request.</summary>
public enum ClusterDownResult
{
    /// <summary>The member is being downed.</summary>
    Accepted,
    /// <summary>The text is not an Akka address such as <c>akka.tcp://clusterlb@host:port</c>.</summary>
    BadAddress,
    /// <summary>No member has that address.</summary>
    UnknownMember,
}
