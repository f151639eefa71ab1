namespace ClusterLb.Cluster.Wire;

public sealed partial class WireGossipEnvelope
{
    /// <summary>
    /// When this instance was made: for a received envelope, when remoting parsed it off the socket, before it waited
    /// in the daemon's mailbox (Akka starts the gossip-time-to-live deadline at the same point, on deserialization).
    /// </summary>
    internal long CreatedTimestamp { get; private set; }

    partial void OnConstruction() => CreatedTimestamp = TimeProvider.System.GetTimestamp();
}
