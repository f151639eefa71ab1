using System.Collections.Immutable;

namespace ClusterLb.Cluster.Protocol;

/// <summary>A message between the cluster cores of two nodes.</summary>
public interface IClusterMessage;

/// <summary>"Is there a cluster I can join through you?" Sent to seed nodes.</summary>
public sealed record InitJoin(UniqueAddress From) : IClusterMessage;
/// <summary>"Yes, join through me."</summary>
public sealed record InitJoinAck(UniqueAddress From) : IClusterMessage;
/// <summary>"No, I am not part of a cluster (yet) or I am on my way out."</summary>
public sealed record InitJoinNack(UniqueAddress From) : IClusterMessage;
/// <summary>Request to be added as a Joining member.</summary>
public sealed record Join(UniqueAddress Node, ImmutableSortedSet<string> Roles, string AppVersion) : IClusterMessage;
/// <summary>Reply to <see cref="Join"/>: the gossip that includes the joiner.</summary>
public sealed record Welcome(UniqueAddress From, Gossip Gossip) : IClusterMessage;
/// <summary>Full gossip state, addressed to one incarnation.</summary>
public sealed record GossipEnvelope(UniqueAddress From, UniqueAddress To, Gossip Gossip) : IClusterMessage
{
    /// <summary>
    /// When the envelope arrived at this node (a <see cref="TimeProvider"/> timestamp of the receiver's clock), or null
    /// for one made locally. Gossip that waited here longer than <c>gossip-time-to-live</c> is discarded.
    /// </summary>
    public long? ReceivedTimestamp { get; init; }
}
/// <summary>Digest of the sender's gossip: only its version.</summary>
public sealed record GossipStatus(UniqueAddress From, VectorClock Version) : IClusterMessage;
/// <summary>An Exiting node finished its exit tasks; the leader may remove it.</summary>
public sealed record ExitingConfirmed(UniqueAddress Node) : IClusterMessage;
/// <summary>Failure detector probe.</summary>
public sealed record Heartbeat(UniqueAddress From, long SequenceNr, long CreationTimeMs) : IClusterMessage;
/// <summary>Answer to <see cref="Heartbeat"/>; each one is a failure detector sample.</summary>
public sealed record HeartbeatRsp(UniqueAddress From, long SequenceNr, long CreationTimeMs) : IClusterMessage;

/// <summary>An outbound message for the transport.</summary>
public sealed record Send(Address To, IClusterMessage Message);
