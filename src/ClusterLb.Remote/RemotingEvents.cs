using System.Net;
using ClusterLb.Remote.Wire;

namespace ClusterLb.Remote;

/// <summary>Lifecycle events of the remoting layer (Akka's RemotingLifecycleEvent); raised on transport threads.</summary>
public abstract record RemotingEvent;

/// <summary>A handshake with the peer completed.</summary>
public sealed record AssociatedEvent(UniqueAddress Peer, bool Inbound) : RemotingEvent;

/// <summary>A connection to or from the peer ended.</summary>
public sealed record DisassociatedEvent(NodeAddress Peer, bool Inbound, string Reason) : RemotingEvent;

/// <summary>A handshake was refused, by this node (<paramref name="RefusedByPeer"/> false) or by the peer.</summary>
public sealed record HandshakeRefusedEvent(NodeAddress? Peer, EndPoint? EndPoint, RefusalReason Reason, string Detail, bool RefusedByPeer) : RemotingEvent;

/// <summary>This node quarantined a peer incarnation: nothing is exchanged with that uid again.</summary>
public sealed record QuarantinedEvent(UniqueAddress Peer, string Reason) : RemotingEvent;

/// <summary>A peer told this node it is quarantined there; only a restart (new uid) recovers.</summary>
public sealed record ThisNodeQuarantinedEvent(NodeAddress By, string Detail) : RemotingEvent;

/// <summary>An inbound connection was closed because a frame was oversized or malformed.</summary>
public sealed record InboundFrameRejectedEvent(EndPoint? EndPoint, NodeAddress? Peer, Transport.FrameViolation Violation, string Detail) : RemotingEvent;

/// <summary>Repeated failures closed the gate to the address: user messages to it are dropped until it reopens.</summary>
public sealed record AssociationGatedEvent(NodeAddress Peer, TimeSpan For) : RemotingEvent;
