using System.Net;
using ClusterLb.Remote.Transport;
using ClusterLb.Remote.Wire;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Remote;

/// <summary>Every log line of the remoting layer, with structured fields.</summary>
internal static partial class RemoteLog
{
    [LoggerMessage(1, LogLevel.Information, "Remoting listening on {Bound}, advertised as {Local}")]
    public static partial void Listening(this ILogger logger, EndPoint? bound, UniqueAddress local);

    [LoggerMessage(2, LogLevel.Warning, "Remoting binds {Hostname} without a public-hostname: peers will address this node as {Public}; set clusterlb.remote.public-hostname to the name peers can reach")]
    public static partial void BindAnyWithoutPublicHostname(this ILogger logger, string hostname, NodeAddress @public);

    [LoggerMessage(3, LogLevel.Error, "Dropping oversized message {MessageType} of {Size} bytes to {Recipient}: clusterlb.remote.maximum-frame-size is {Maximum} bytes")]
    public static partial void OversizedOutbound(this ILogger logger, string messageType, int size, string recipient, int maximum);

    [LoggerMessage(4, LogLevel.Error, "Dropping message {MessageType} to {Recipient}: {Reason}")]
    public static partial void Unserializable(this ILogger logger, string messageType, string recipient, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Closing inbound connection from {EndPoint} ({Peer}): {Violation}: {Detail}")]
    public static partial void InboundFrameRejected(this ILogger logger, EndPoint? endPoint, NodeAddress? peer, FrameViolation violation, string detail);

    [LoggerMessage(6, LogLevel.Warning, "Handshake with {Peer} ({EndPoint}) refused by this node: {Reason}: {Detail}")]
    public static partial void HandshakeRefusedLocally(this ILogger logger, NodeAddress? peer, EndPoint? endPoint, RefusalReason reason, string detail);

    [LoggerMessage(7, LogLevel.Warning, "Handshake with {Peer} ({EndPoint}) refused by the peer: {Reason}: {Detail}")]
    public static partial void HandshakeRefusedByPeer(this ILogger logger, NodeAddress? peer, EndPoint? endPoint, RefusalReason reason, string detail);

    [LoggerMessage(8, LogLevel.Information, "Associated with {Peer} ({Direction})")]
    public static partial void Associated(this ILogger logger, UniqueAddress peer, string direction);

    [LoggerMessage(9, LogLevel.Debug, "Association with {Peer} failed (attempt {Failures}): {Reason}")]
    public static partial void AssociationFailed(this ILogger logger, NodeAddress peer, int failures, string reason);

    [LoggerMessage(10, LogLevel.Warning, "Association with {Peer} gated for {Duration} after {Failures} failed attempts; messages to it are dropped meanwhile")]
    public static partial void Gated(this ILogger logger, NodeAddress peer, TimeSpan duration, int failures);

    [LoggerMessage(23, LogLevel.Information, "Gate to {Peer} opened early: the peer connected to this node")]
    public static partial void GateOpened(this ILogger logger, NodeAddress peer);

    [LoggerMessage(11, LogLevel.Warning, "Quarantined {Peer}: {Reason}. Messages from and to this uid are dropped from now on")]
    public static partial void Quarantined(this ILogger logger, UniqueAddress peer, string reason);

    [LoggerMessage(12, LogLevel.Error, "This node ({Local}) was quarantined by {By}: {Detail}. It must restart with a new uid to talk to that node again")]
    public static partial void ThisNodeQuarantined(this ILogger logger, UniqueAddress local, NodeAddress by, string detail);

    [LoggerMessage(13, LogLevel.Warning, "Dropping message from {Peer}: {Reason}")]
    public static partial void InboundDropped(this ILogger logger, UniqueAddress peer, string reason);

    [LoggerMessage(14, LogLevel.Warning, "Outbound queue to {Peer} is full ({Capacity}); dropping {MessageType}")]
    public static partial void QueueFull(this ILogger logger, NodeAddress peer, int capacity, string messageType);

    [LoggerMessage(15, LogLevel.Information, "Disassociated from {Peer} ({Direction}): {Reason}")]
    public static partial void Disassociated(this ILogger logger, NodeAddress peer, string direction, string reason);

    [LoggerMessage(16, LogLevel.Warning, "{Peer} advertises itself as {Advertised}; peers must use the advertised address (check public-hostname/public-port)")]
    public static partial void AdvertisedAddressDiffers(this ILogger logger, NodeAddress peer, NodeAddress advertised);

    [LoggerMessage(17, LogLevel.Error, "System message buffer to {Peer} overflowed ({Capacity} unacknowledged); quarantining it")]
    public static partial void SystemBufferOverflow(this ILogger logger, UniqueAddress peer, int capacity);

    [LoggerMessage(18, LogLevel.Warning, "Remoting event handler failed")]
    public static partial void EventHandlerFailed(this ILogger logger, Exception exception);

    [LoggerMessage(19, LogLevel.Error, "Inbound message handler failed for a message from {Peer}")]
    public static partial void SinkFailed(this ILogger logger, Exception exception, UniqueAddress peer);

    [LoggerMessage(22, LogLevel.Error, "Association with {Peer} failed unexpectedly; retrying")]
    public static partial void AssociationFailedUnexpectedly(this ILogger logger, Exception exception, NodeAddress peer);

    [LoggerMessage(21, LogLevel.Error, "Inbound connection handler failed")]
    public static partial void InboundHandlerFailed(this ILogger logger, Exception exception);

    [LoggerMessage(20, LogLevel.Debug, "Inbound connection from {EndPoint} closed: {Reason}")]
    public static partial void InboundClosed(this ILogger logger, EndPoint? endPoint, string reason);
}
