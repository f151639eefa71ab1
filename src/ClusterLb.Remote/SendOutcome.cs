namespace ClusterLb.Remote;

/// <summary>What happened to a message handed to <see cref="RemoteTransport"/>. Drops are also logged and counted.</summary>
public enum SendOutcome
{
    /// <summary>Queued for the peer (delivery of user messages is still at-most-once).</summary>
    Enqueued,

    /// <summary>Addressed to this node: handed straight to the local sink.</summary>
    DeliveredLocally,

    /// <summary>Dropped: the serialized frame exceeds <c>maximum-frame-size</c>.</summary>
    DroppedOversized,

    /// <summary>Dropped: not a protobuf message, or serialization failed.</summary>
    DroppedUnserializable,

    /// <summary>Dropped: the peer's outbound queue is full.</summary>
    DroppedQueueFull,

    /// <summary>Dropped: the address is gated after repeated failures.</summary>
    DroppedGated,

    /// <summary>Dropped: too many unacknowledged system messages; the peer was quarantined.</summary>
    DroppedSystemBufferFull,

    /// <summary>Dropped: the transport is stopped.</summary>
    DroppedStopped,
}
